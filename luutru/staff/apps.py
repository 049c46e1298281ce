from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "luutru.staff"
    verbose_name = "Trang quản trị"
