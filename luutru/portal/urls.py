"""The public portal at /, with Vietnamese addresses; IIIF under /iiif/, OAI-PMH at /oai."""

from django.urls import path

from luutru.portal import iiif, oai, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("tra-cuu/", views.search_page, name="search"),
    path("co-quan/", views.agency_list, name="agency-list"),
    path("co-quan/<str:code>/", views.agency_detail, name="agency"),
    path("phong/<str:code>/", views.fonds_detail, name="fonds"),
    path("ho-so/<str:code>/", views.dossier_detail, name="dossier"),
    path("tai-lieu/<str:code>/", views.document_detail, name="document"),
    path("tai-lieu/<str:code>/xem/", views.viewer, name="viewer"),
    path("tai-lieu/<str:code>/tai-ve/", views.download, name="download"),
    path("tai-lieu/<str:code>/nghe-xem/<int:number>", views.play, name="play"),
    path("tai-lieu/<str:code>/phu-de/<int:number>.vtt", views.caption, name="caption"),
    path("nhung/", views.embed_help, name="embed"),
    path("gioi-thieu/", views.about, name="about"),
    path("oai", oai.endpoint, name="oai"),
    path("iiif/<str:code>/manifest", iiif.manifest, name="iiif-manifest"),
    path("iiif/<str:code>/trang/<int:number>", iiif.canvas, name="iiif-canvas"),
    path("iiif/<str:code>/trang/<int:number>/<int:width>.jpg", iiif.image, name="iiif-image"),
]
