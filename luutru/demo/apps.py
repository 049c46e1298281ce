from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "luutru.demo"
    verbose_name = "Tỉnh mẫu"
