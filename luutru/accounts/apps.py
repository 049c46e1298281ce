from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "luutru.accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from luutru.accounts import signals  # noqa: F401  (connects the login audit)
