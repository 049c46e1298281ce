"""Public exhibitions at /trien-lam/, the curator's pages at /quan-tri/trien-lam/."""

from django.urls import path

from luutru.exhibitions import views

app_name = "exhibitions"
urlpatterns = [
    path("trien-lam/", views.public_list, name="list"),
    path("trien-lam/<slug:slug>/", views.public_detail, name="detail"),
    path("trien-lam/<slug:slug>/nhung/", views.public_embed, name="embed"),
    path("quan-tri/trien-lam/", views.staff_list, name="staff-list"),
    path("quan-tri/trien-lam/lap/", views.staff_create, name="staff-create"),
    path("quan-tri/trien-lam/ngay-ky-niem/", views.anniversary_add, name="anniversary-add"),
    path(
        "quan-tri/trien-lam/ngay-ky-niem/<int:pk>/bo/",
        views.anniversary_remove,
        name="anniversary-remove",
    ),
    path("quan-tri/trien-lam/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("quan-tri/trien-lam/<int:pk>/chuong/", views.section_add, name="section-add"),
    path(
        "quan-tri/trien-lam/<int:pk>/chuong/<int:section>/sua/",
        views.section_edit,
        name="section-edit",
    ),
    path(
        "quan-tri/trien-lam/<int:pk>/chuong/<int:section>/them/",
        views.item_add,
        name="item-add",
    ),
    path(
        "quan-tri/trien-lam/<int:pk>/chuong/<int:section>/sap-xep/",
        views.reorder,
        name="reorder",
    ),
    path("quan-tri/trien-lam/<int:pk>/muc/<int:item>/bo/", views.item_remove, name="item-remove"),
    path("quan-tri/trien-lam/<int:pk>/muc/<int:item>/sua/", views.item_edit, name="item-edit"),
    path("quan-tri/trien-lam/<int:pk>/muc/<int:item>/bia/", views.item_cover, name="item-cover"),
    path("quan-tri/trien-lam/<int:pk>/<str:step>/", views.transition, name="transition"),
]
