from django.apps import AppConfig


class ExhibitionsConfig(AppConfig):
    name = "luutru.exhibitions"
    verbose_name = "Triển lãm trực tuyến"
