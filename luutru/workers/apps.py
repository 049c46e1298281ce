from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "luutru.workers"
    verbose_name = "Tiến trình nền"
