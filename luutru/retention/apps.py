from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "luutru.retention"
    verbose_name = "Lưu giữ và loại hủy"
