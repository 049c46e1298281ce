from django.apps import AppConfig


class StorageConfig(AppConfig):
    name = "luutru.storage"
    verbose_name = "Lưu giữ tệp tin"
