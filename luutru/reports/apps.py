from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def restore_targets(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Put the seeded targets and forms back after a ``flush`` (transactional tests)."""
    from luutru.reports.models import ReportForm, Target
    from luutru.reports.seed import seed

    if not Target.objects.using(using).exists():
        seed(Target, ReportForm)


class ReportsConfig(AppConfig):
    name = "luutru.reports"
    verbose_name = "Báo cáo, thống kê"

    def ready(self) -> None:
        post_migrate.connect(restore_targets, sender=self, dispatch_uid="reports-targets")
