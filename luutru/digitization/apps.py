from django.apps import AppConfig


class DigitizationConfig(AppConfig):
    name = "luutru.digitization"
    verbose_name = "Số hóa"
