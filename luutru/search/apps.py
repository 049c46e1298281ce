from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "luutru.search"
    verbose_name = "Tra cứu"
