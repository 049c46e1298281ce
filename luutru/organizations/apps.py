from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "luutru.organizations"
    verbose_name = "Cơ quan, tổ chức"
