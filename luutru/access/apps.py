from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "luutru.access"
    verbose_name = "Khai thác, sử dụng"

    def ready(self) -> None:
        """A bad date in the working-day settings stops start-up with a clear message.

        Nothing else is wired here: pages that show records ask ``policy`` and write the use log
        themselves, on each request.
        """
        import datetime

        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        for name in ("ACCESS_EXTRA_DAYS_OFF", "ACCESS_EXTRA_WORKING_DAYS"):
            for value in getattr(settings, name, ()):
                try:
                    datetime.date.fromisoformat(str(value))
                except ValueError:
                    raise ImproperlyConfigured(
                        f"{name}: “{value}” không phải ngày dạng YYYY-MM-DD."
                    ) from None
