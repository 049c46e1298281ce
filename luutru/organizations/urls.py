from django.urls import path

from luutru.organizations import views

app_name = "organizations"
urlpatterns = [
    path("co-quan/", views.agency_tree_page, name="agency-tree"),
    path("co-quan/them/", views.agency_create, name="agency-create"),
    path("co-quan/<str:code>/", views.agency_detail, name="agency-detail"),
    path("co-quan/<str:code>/sua/", views.agency_edit, name="agency-edit"),
    path("co-quan/<str:code>/ngung-hoat-dong/", views.agency_end, name="agency-end"),
    path("phong/them/", views.fonds_create, name="fonds-create"),
    path("phong/<str:code>/", views.fonds_detail, name="fonds-detail"),
    path("phong/<str:code>/sua/", views.fonds_edit, name="fonds-edit"),
    path("phong/<str:code>/dong/", views.fonds_close, name="fonds-close"),
    path("nguoi-dung/", views.user_list, name="user-list"),
    path("nguoi-dung/them/", views.user_create, name="user-create"),
    path("nguoi-dung/<str:username>/", views.user_detail, name="user-detail"),
]
