from typing import Any

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "luutru.access"
    verbose_name = "Khai thác, sử dụng"

    def ready(self) -> None:
        """Staff record pages (records, a lower layer) ask the one access policy and log views;
        a bad date in the working-day settings stops start-up with a clear message."""
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

        from luutru.access import actions, policy
        from luutru.access.models import LogAction
        from luutru.records import services
        from luutru.records.signals import record_viewed

        services.register_access_policy(
            lambda user: policy.documents(user, policy.Use.READ),
            lambda user: policy.dossiers(user, policy.Use.READ),
        )

        def log_view(sender: Any, user: Any, document: Any, dossier: Any, **kwargs: Any) -> None:
            actions.log_use(user, LogAction.VIEW, document=document, dossier=dossier)

        record_viewed.connect(log_view, dispatch_uid="access-log-staff-view", weak=False)
