from django.urls import path

from luutru.records import staff_views, views

app_name = "records"
urlpatterns = [
    path("ho-so/", views.dossier_list, name="dossier-list"),
    path("ho-so/den-han-nop-luu/", views.due_for_transfer, name="due-for-transfer"),
    path("ho-so/bang-tinh/", staff_views.description_sheet, name="description-sheet"),
    path("ho-so/bang-tinh/xuat/", staff_views.description_export, name="description-export"),
    path("ho-so/<str:code>/", views.dossier_detail, name="dossier-detail"),
    path("ho-so/<str:code>/cong-bo/", views.dossier_publication, name="dossier-publication"),
    path("ho-so/<str:code>/che-do-su-dung/", views.dossier_regime, name="dossier-regime"),
    path("tai-lieu/chua-lap-ho-so/", views.unfiled_documents, name="unfiled-documents"),
    path("tai-lieu/<int:pk>/", views.document_detail, name="document-detail"),
    path("tai-lieu/<int:pk>/cong-bo/", views.document_publication, name="document-publication"),
    path("tai-lieu/<int:pk>/che-do-su-dung/", views.document_regime, name="document-regime"),
    path("cong-bo/", views.publication_queue, name="publication-queue"),
    path("cong-bo/phong/<str:code>/", views.fonds_publication_policy, name="publication-policy"),
    path("ho-so/<str:code>/sua/", staff_views.dossier_edit, name="dossier-edit"),
    path("ho-so/<str:code>/lich-su/", staff_views.dossier_history, name="dossier-history"),
    path("ho-so/<str:code>/chuyen/", staff_views.dossier_move, name="dossier-move"),
    path("tai-lieu/<int:pk>/sua/", staff_views.document_edit, name="document-edit"),
    path("tai-lieu/<int:pk>/lich-su/", staff_views.document_history, name="document-history"),
    path("tai-lieu/<int:pk>/lap-ho-so/", staff_views.document_file, name="document-file"),
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
