"""The staff home and the staff search, under /quan-tri/ (included from luutru/urls.py)."""

from django.urls import path

from luutru.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("tra-cuu/", views.search, name="search"),
    path("huong-dan/", views.guide_index, name="guide-index"),
    path("huong-dan/<str:slug>/", views.guide_page, name="guide"),
]
