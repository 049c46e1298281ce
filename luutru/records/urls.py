from django.urls import path

from luutru.records import views

app_name = "records"
urlpatterns = [
    path("ho-so/", views.dossier_list, name="dossier-list"),
    path("ho-so/den-han-nop-luu/", views.due_for_transfer, name="due-for-transfer"),
    path("ho-so/<str:code>/", views.dossier_detail, name="dossier-detail"),
    path("ho-so/<str:code>/cong-bo/", views.dossier_publication, name="dossier-publication"),
    path("ho-so/<str:code>/che-do-su-dung/", views.dossier_regime, name="dossier-regime"),
    path("tai-lieu/chua-lap-ho-so/", views.unfiled_documents, name="unfiled-documents"),
    path("tai-lieu/<int:pk>/", views.document_detail, name="document-detail"),
    path("tai-lieu/<int:pk>/cong-bo/", views.document_publication, name="document-publication"),
    path("tai-lieu/<int:pk>/che-do-su-dung/", views.document_regime, name="document-regime"),
    path("cong-bo/", views.publication_queue, name="publication-queue"),
    path("cong-bo/phong/<str:code>/", views.fonds_publication_policy, name="publication-policy"),
    path("danh-muc-ho-so/", views.file_plan_list, name="file-plan-list"),
    path("danh-muc-ho-so/them/", views.file_plan_create, name="file-plan-create"),
    path("danh-muc-ho-so/<int:pk>/", views.file_plan_detail, name="file-plan-detail"),
    path("danh-muc-ho-so/<int:pk>/them-ho-so/", views.plan_entry_add, name="plan-entry-add"),
    path(
        "danh-muc-ho-so/<int:pk>/ho-so/<int:entry_pk>/sua/",
        views.plan_entry_edit,
        name="plan-entry-edit",
    ),
]
