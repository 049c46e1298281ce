"""Readers' pages under /doc-gia/ and staff pages under /quan-tri/khai-thac/ (included at "")."""

from django.urls import path

from luutru.access import staff_views, views

app_name = "access"
urlpatterns = [
    path("doc-gia/", views.home, name="reader-home"),
    path("doc-gia/dang-ky/", views.register, name="reader-register"),
    path("doc-gia/lich-su/", views.history, name="reader-history"),
    path("doc-gia/yeu-cau/moi/", views.request_new, name="request-new"),
    path("doc-gia/tra-cuu-phieu/", views.track, name="request-track"),
    path("doc-gia/yeu-cau/<int:pk>/", views.request_detail, name="request-detail"),
    path("doc-gia/yeu-cau/<int:pk>/huy/", views.request_cancel, name="request-cancel"),
    path("doc-gia/ban-doc/<str:token>/", views.reading_copy, name="reading-copy"),
    path(
        "doc-gia/ban-doc/<str:token>/<int:document>/<int:page>.jpg",
        views.reading_page_image,
        name="reading-page",
    ),
    path("doc-gia/ban-sao/<str:token>/", views.copy_download, name="copy-download"),
    path("quan-tri/khai-thac/", staff_views.dashboard, name="staff-home"),
    path(
        "quan-tri/khai-thac/doc-gia/<int:pk>/",
        staff_views.reader_detail,
        name="staff-reader",
    ),
    path(
        "quan-tri/khai-thac/doc-gia/<int:pk>/duyet/",
        staff_views.reader_approve,
        name="staff-reader-approve",
    ),
    path(
        "quan-tri/khai-thac/doc-gia/<int:pk>/tu-choi/",
        staff_views.reader_refuse,
        name="staff-reader-refuse",
    ),
    path(
        "quan-tri/khai-thac/yeu-cau/<int:pk>/",
        staff_views.request_detail,
        name="staff-request",
    ),
    path(
        "quan-tri/khai-thac/yeu-cau/<int:pk>/quyet-dinh/",
        staff_views.request_decide,
        name="staff-decide",
    ),
    path("quan-tri/khai-thac/thong-ke/", staff_views.statistics, name="staff-statistics"),
    path("quan-tri/khai-thac/quyen-mat/", staff_views.secret_grants, name="staff-secret-grants"),
    path(
        "quan-tri/khai-thac/quyen-mat/<int:pk>/thu-hoi/",
        staff_views.secret_grant_revoke,
        name="staff-secret-grant-revoke",
    ),
]
