from django.urls import URLPattern, URLResolver, path

from luutru.preservation import reports, views

app_name = "preservation"
urlpatterns: list[URLPattern | URLResolver] = [
    path("bao-quan/", views.dashboard, name="dashboard"),
    path("bao-quan/kiem-tra/", views.start_audit, name="start-audit"),
    path("bao-quan/sao-luu/", views.start_backup, name="start-backup"),
    path("bao-quan/su-co/", views.incident_list, name="incident-list"),
    path("bao-quan/su-co/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("bao-quan/ho-so/<str:code>/", views.aip_detail, name="aip-detail"),
    path("bao-quan/ho-so/<str:code>/aip.zip", views.aip_download, name="aip-download"),
    path("bao-quan/tai-lieu/<int:pk>/", views.document_aip_detail, name="document-aip-detail"),
    path(
        "bao-quan/tai-lieu/<int:pk>/aip.zip",
        views.document_aip_download,
        name="document-aip-download",
    ),
    path("bao-quan/bien-ban/kiem-tra/<int:pk>.pdf", reports.check_record, name="check-record"),
    path("bao-quan/bien-ban/nhat-ky-sao-luu.pdf", reports.backup_log, name="backup-log"),
    path("bao-quan/bien-ban/sao-luu/<int:pk>.pdf", reports.backup_record, name="backup-record"),
    path("bao-quan/bien-ban/su-co/<int:pk>.pdf", reports.incident_record, name="incident-record"),
]
