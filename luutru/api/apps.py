from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "luutru.api"
    label = "api"
    verbose_name = "API"
