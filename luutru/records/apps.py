from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "luutru.records"
    verbose_name = "Hồ sơ, tài liệu"
