"""/api/v1/: an index, ninja's routes (search, openapi.json, docs), a JSON 404 for the rest."""

from django.urls import path

from luutru.api.api import api, index, unknown_endpoint

app_name = "api"
urlpatterns = [
    path("", index, name="index"),  # before ninja's own root, which only raises 404
    path("", api.urls),
    path("<path:rest>", unknown_endpoint, name="unknown"),
]
