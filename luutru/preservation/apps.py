from django.apps import AppConfig


class PreservationConfig(AppConfig):
    name = "luutru.preservation"
    verbose_name = "Bảo quản"
