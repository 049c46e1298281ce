"""Background preservation work. django-tasks has no scheduler, so the scheduled fixity audit
re-enqueues itself ``FIXITY_INTERVAL_HOURS`` ahead each time it runs (``luutru fixity
--schedule`` starts the chain; a cron line running ``luutru fixity`` works as well)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from luutru.preservation.audits import run_audit
from luutru.preservation.models import RunKind

TASK_PATH = "luutru.preservation.tasks.fixity_audit"


@task()
def fixity_audit() -> dict[str, Any]:
    """One scheduled audit (its share of the holdings), then the next one is enqueued."""
    try:
        return run_audit(RunKind.SCHEDULED).as_dict()
    finally:
        schedule_next(after=timedelta(hours=settings.FIXITY_INTERVAL_HOURS))


def schedule_next(after: timedelta = timedelta(0)) -> bool:
    """Enqueue the next scheduled audit unless one is already waiting. True if enqueued."""
    waiting = DBTaskResult.objects.filter(
        task_path=TASK_PATH, status=TaskResultStatus.READY
    ).exists()
    if waiting:
        return False
    fixity_audit.using(run_after=timezone.now() + after).enqueue()
    return True


@task()
def migrate_formats(dossier_id: int | None = None) -> dict[str, int]:
    """PDF/A copies of a dossier's (or every) original PDF; safe to run twice."""
    from luutru.preservation.migration import migrate_dossier
    from luutru.records.models import Dossier

    dossier = Dossier.objects.filter(pk=dossier_id).first() if dossier_id else None
    outcomes = migrate_dossier(dossier)
    return {
        "converted": sum(1 for o in outcomes if o.ok),
        "failed": sum(1 for o in outcomes if not o.ok),
    }


BACKUP_TASK_PATH = "luutru.preservation.tasks.backup_now"


@task()
def backup_now(actor_name: str = "") -> dict[str, Any]:
    """A backup asked for on the dashboard: into a new dated folder of ``BACKUP_DIR``, holding
    only what the last complete backup there lacks (the database is always dumped whole).
    The backup module records its outcome (BackupRecord and audit event), success or not."""
    from pathlib import Path

    from luutru.preservation.backup import backup
    from luutru.preservation.models import BackupRecord

    folder = Path(settings.BACKUP_DIR)
    since = None
    for row in BackupRecord.objects.filter(kind="backup", succeeded=True).order_by("-started_at"):
        earlier = Path(row.path)
        if earlier.parent == folder.resolve() and (earlier / "manifest.json").is_file():
            since = earlier
            break
    target = folder / timezone.localtime().strftime("sao-luu-%Y%m%d-%H%M%S")
    return backup(target, since=since, actor_name=actor_name).as_dict()


def backup_pending() -> bool:
    """Whether a dashboard backup is waiting for the worker or running now."""
    return DBTaskResult.objects.filter(
        task_path=BACKUP_TASK_PATH,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).exists()
