from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "luutru.audit"
    verbose_name = "Nhật ký hệ thống"
