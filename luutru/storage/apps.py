from django.apps import AppConfig


class StorageConfig(AppConfig):
    name = "luutru.storage"
    verbose_name = "Lưu giữ tệp tin"

    def ready(self) -> None:
        from luutru.storage import checks  # noqa: F401 (registers the deploy check)
