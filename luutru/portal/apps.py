from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "luutru.portal"
    verbose_name = "Cổng thông tin"
