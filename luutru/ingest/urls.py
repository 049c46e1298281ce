from django.urls import path

from luutru.ingest import views

app_name = "ingest"
urlpatterns = [
    path("nop-luu/", views.transfer_list, name="transfer-list"),
    # Two fixed addresses rather than a parameter: a blank form identifies no record.
    path(
        "nop-luu/mau/ho_so.xlsx",
        views.transfer_blank,
        {"role": "ho_so"},
        name="transfer-blank-ho-so",
    ),
    path(
        "nop-luu/mau/tai_lieu.xlsx",
        views.transfer_blank,
        {"role": "tai_lieu"},
        name="transfer-blank-tai-lieu",
    ),
    path("nop-luu/cho-tiep-nhan/", views.transfer_queue, name="transfer-queue"),
    path("nop-luu/<uuid:pk>/", views.transfer_detail, name="transfer-detail"),
    path("nop-luu/<uuid:pk>/tiep-nhan/", views.transfer_accept, name="transfer-accept"),
    path("nop-luu/<uuid:pk>/tra-lai/", views.transfer_return, name="transfer-return"),
    path(
        "nop-luu/<uuid:pk>/muc-luc.pdf",
        views.transfer_output,
        {"output": "inventory_pdf"},
        name="transfer-inventory-pdf",
    ),
    path(
        "nop-luu/<uuid:pk>/muc-luc.xlsx",
        views.transfer_output,
        {"output": "inventory_xlsx"},
        name="transfer-inventory-xlsx",
    ),
    path(
        "nop-luu/<uuid:pk>/bien-ban.pdf",
        views.transfer_output,
        {"output": "handover_pdf"},
        name="transfer-handover-pdf",
    ),
    path(
        "nop-luu/<uuid:pk>/bien-ban.xlsx",
        views.transfer_output,
        {"output": "handover_xlsx"},
        name="transfer-handover-xlsx",
    ),
]
