from django.urls import URLPattern, URLResolver, path

from luutru.digitization import views

app_name = "digitization"
urlpatterns: list[URLPattern | URLResolver] = [
    path("so-hoa/", views.batch_list, name="batch-list"),
    path("so-hoa/thong-ke/", views.statistics_view, name="statistics"),
    path("so-hoa/<uuid:pk>/", views.batch_detail, name="batch-detail"),
    path(
        "so-hoa/<uuid:pk>/chap-nhan/",
        views.batch_decide,
        {"decision": "accept"},
        name="batch-accept",
    ),
    path(
        "so-hoa/<uuid:pk>/tiep-tuc/",
        views.batch_decide,
        {"decision": "resume"},
        name="batch-resume",
    ),
    path("so-hoa/<uuid:pk>/huy/", views.batch_decide, {"decision": "reject"}, name="batch-reject"),
    path("so-hoa/<uuid:pk>/tai-lieu/<int:position>/them-trang/", views.add_pages, name="add-pages"),
    path(
        "so-hoa/<uuid:pk>/tai-lieu/<int:position>/mo-ta/", views.describe_item, name="describe-item"
    ),
    path("so-hoa/<uuid:pk>/ban-giay/", views.paper_code, name="paper-code"),
    path("so-hoa/<uuid:pk>/tai-lieu/<int:position>/pdf/", views.item_pdf, name="item-pdf"),
    path("so-hoa/<uuid:pk>/trang/<int:page>/anh.jpg", views.page_thumbnail, name="page-thumbnail"),
    path(
        "so-hoa/<uuid:pk>/trang/<int:page>/chuyen/",
        views.page_action,
        {"action": "move"},
        name="page-move",
    ),
    path(
        "so-hoa/<uuid:pk>/trang/<int:page>/thay/",
        views.page_action,
        {"action": "replace"},
        name="page-replace",
    ),
    path(
        "so-hoa/<uuid:pk>/trang/<int:page>/bo/",
        views.page_action,
        {"action": "remove"},
        name="page-remove",
    ),
]
