from django.urls import URLPattern, URLResolver, path

from luutru.reports import views

app_name = "reports"
urlpatterns: list[URLPattern | URLResolver] = [
    path("bao-cao/", views.dashboard, name="dashboard"),
    path("bao-cao/tinh-lai/", views.refresh, name="refresh"),
    path("bao-cao/chi-tieu/", views.targets, name="targets"),
    path("bao-cao/chi-tieu/<int:pk>/", views.target_edit, name="target-edit"),
    path("bao-cao/so-lieu-giay/", views.tallies, name="tallies"),
    path("bao-cao/boi-duong/", views.training, name="training"),
    path("bao-cao/boi-duong/<int:pk>/", views.course, name="course"),
    path("bao-cao/lop/<int:pk>/hoc-vien/", views.attendance, name="attendance"),
    path("bao-cao/bieu-mau/", views.report_forms, name="forms"),
    path("bao-cao/bieu-mau/<int:pk>/sua/", views.report_form_edit, name="form-edit"),
    path("bao-cao/bieu-mau/<int:pk>/excel/", views.report_export, {"fmt": "xlsx"},
         name="export-xlsx"),
    path("bao-cao/bieu-mau/<int:pk>/pdf/", views.report_export, {"fmt": "pdf"},
         name="export-pdf"),
]  # fmt: skip
