from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "luutru.access"
    verbose_name = "Khai thác, sử dụng"
