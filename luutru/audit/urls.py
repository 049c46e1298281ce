from django.urls import path

from luutru.audit import views

app_name = "audit"
urlpatterns = [
    path("nhat-ky/", views.event_list, name="event-list"),
    path("nhat-ky/xuat.csv", views.event_export, name="event-export"),
    path("nhat-ky/kiem-tra/", views.chain_status, name="chain-status"),
]
