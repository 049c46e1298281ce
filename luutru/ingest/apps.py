from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "luutru.ingest"
    verbose_name = "Thu thập, nộp lưu"
