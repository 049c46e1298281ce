"""Fixity audits (kiểm tra toàn vẹn): every stored file and its replica re-hashed on a cycle.

A *scheduled* run (``luutru fixity``, or the ``fixity_audit`` task) takes its share of the
holdings, the files checked longest ago first, sized so that everything is checked at least
once per ``FIXITY_CYCLE_DAYS`` when a run happens every ``FIXITY_INTERVAL_HOURS``. An *all*
run (``luutru fixity --all``) checks every file not yet checked since it started. Both walk
their files in id order with a cursor on the run row, so a crash or an unreachable replica
leaves a run that the next invocation resumes.

Files are checked two at a time on a small thread pool: hashlib releases the GIL, so two
cores hash at once. The database is written once per batch (one UPDATE for the files found
intact), and once per problem.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from luutru.audit.actions import record
from luutru.preservation import actions
from luutru.preservation.models import (
    AuditAction,
    FixityRun,
    Incident,
    IncidentKind,
    RunKind,
    RunState,
)
from luutru.storage import fixity
from luutru.storage.models import FixityStatus, StoredFile
from luutru.storage.services import backend, replica

BATCH = 500
WORKERS = 2


@dataclass
class AuditReport:
    """What ``luutru fixity --json`` prints (docs/interfaces.md)."""

    run: FixityRun
    checked: int = 0
    ok: int = 0
    repaired: list[dict[str, Any]] = field(default_factory=list)
    lost: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    interrupted: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run.pk,
            "state": self.run.state,
            "checked": self.checked,
            "ok": self.ok,
            "repaired": self.repaired,
            "lost": self.lost,
            "failed": self.failed,
            "progress": {"checked": self.run.checked, "total": self.run.total},
            "interrupted": self.interrupted,
        }


def share_per_run(total: int) -> int:
    """How many files one scheduled run checks so a whole cycle fits ``FIXITY_CYCLE_DAYS``."""
    runs = max(1, settings.FIXITY_CYCLE_DAYS * 24 // settings.FIXITY_INTERVAL_HOURS)
    return math.ceil(total / runs)


def _targets(run: FixityRun) -> QuerySet[StoredFile]:
    files = StoredFile.objects.filter(pk__gt=run.cursor)
    if run.file_ids is not None:
        return files.filter(pk__in=run.file_ids)
    return files.filter(Q(checked_at__isnull=True) | Q(checked_at__lt=run.started_at))


def start_run(kind: str, *, actor: Any = None) -> FixityRun:
    """The unfinished run of this kind to resume, or a new one."""
    unfinished = (
        FixityRun.objects.filter(kind=kind)
        .exclude(state=RunState.FINISHED)
        .order_by("-started_at")
        .first()
    )
    if unfinished is not None:
        return unfinished
    run = FixityRun(kind=kind, actor=actor if getattr(actor, "is_authenticated", False) else None)
    if kind == RunKind.SCHEDULED:
        total = StoredFile.objects.count()
        overdue = timezone.now() - timedelta(days=settings.FIXITY_CYCLE_DAYS)
        share = max(
            share_per_run(total),
            StoredFile.objects.filter(
                Q(checked_at__isnull=True) | Q(checked_at__lt=overdue)
            ).count(),
        )
        run.file_ids = sorted(
            StoredFile.objects.order_by(F("checked_at").asc(nulls_first=True), "pk").values_list(
                "pk", flat=True
            )[:share]
        )
        run.total = len(run.file_ids)
    run.save()
    if kind == RunKind.ALL:
        run.total = _targets(run).count()
        run.save(update_fields=["total"])
    return run


def run_audit(
    kind: str = RunKind.SCHEDULED,
    *,
    actor: Any = None,
    on_progress: Callable[[FixityRun], None] | None = None,
) -> AuditReport:
    """Run (or resume) one audit to its end, or until the replica cannot be reached."""
    run = start_run(kind, actor=actor)
    report = AuditReport(run=run)
    primary, second = backend(), replica()
    if run.state == RunState.INTERRUPTED:
        run.state = RunState.RUNNING
        run.save(update_fields=["state"])
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for batch in _batches(run):
            if not second.available():
                return _interrupt(run, report, f"không truy cập được {second.root}")
            results = list(
                pool.map(
                    lambda s: fixity.check(s.sha256, primary, second, name=s.stored_name), batch
                )
            )
            stop = _record_batch(run, report, batch, results)
            if on_progress is not None:
                on_progress(run)
            if stop:
                return _interrupt(run, report, f"không truy cập được {second.root}")
    _finish(run, report)
    return report


def _batches(run: FixityRun) -> Iterator[list[StoredFile]]:
    while True:
        batch = list(
            _targets(run).order_by("pk").only("pk", "sha256", "sealed_sha256", "size")[:BATCH]
        )
        if not batch:
            return
        yield batch


def _record_batch(
    run: FixityRun,
    report: AuditReport,
    batch: list[StoredFile],
    results: list[fixity.FixityResult],
) -> bool:
    """Write a batch's findings; True when it met an unreachable replica (stop there)."""
    now = timezone.now()
    ok_ids: list[int] = []
    done = 0
    stopped = False
    for stored, result in zip(batch, results, strict=True):
        if result.pending:
            stopped = True
            break
        done += 1
        run.cursor = stored.pk
        run.bytes_checked += stored.size
        if result.ok:
            ok_ids.append(stored.pk)
            continue
        incident = actions.record_fixity_problem(result, run)
        item = {
            "sha256": result.sha256,
            "documents": incident.data.get("documents", []),
            "primary": result.primary,
            "replica": result.replica,
        }
        if result.repaired:
            item["repaired"] = result.repaired
            report.repaired.append(item)
            run.repaired += 1
        elif result.lost:
            report.lost.append(item)
            run.lost += 1
        else:
            item["error"] = result.error
            report.failed.append(item)
    with transaction.atomic():
        StoredFile.objects.filter(pk__in=ok_ids).update(
            checked_at=now, fixity_status=FixityStatus.OK
        )
        # A file that was lost and has since been put back (from a backup) is whole again.
        Incident.objects.open().filter(kind=IncidentKind.FILE_LOST, stored_file__in=ok_ids).update(
            resolved_at=now, resolution="Cả hai bản đã khớp mã SHA-256 ở lần kiểm tra sau."
        )
        run.checked += done
        run.ok += len(ok_ids)
        run.save(update_fields=["cursor", "checked", "ok", "repaired", "lost", "bytes_checked"])
    report.checked += done
    report.ok += len(ok_ids)
    return stopped


def _interrupt(run: FixityRun, report: AuditReport, detail: str) -> AuditReport:
    run.state = RunState.INTERRUPTED
    run.save(update_fields=["state"])
    report.interrupted = detail
    already = Incident.objects.open().filter(kind=IncidentKind.REPLICA_UNAVAILABLE, run=run)
    if not already.exists():
        actions.record_replica_unavailable(run, detail)
    return report


@transaction.atomic
def _finish(run: FixityRun, report: AuditReport) -> None:
    now = timezone.now()
    run.state, run.finished_at = RunState.FINISHED, now
    run.save(update_fields=["state", "finished_at"])
    Incident.objects.open().filter(kind=IncidentKind.REPLICA_UNAVAILABLE).update(
        resolved_at=now, resolution="Kho dự phòng truy cập được trở lại; đợt kiểm tra đã xong."
    )
    record(
        AuditAction.FIXITY_RUN,
        actor=run.actor,
        target=run,
        message=(
            f"Kiểm tra toàn vẹn ({run.get_kind_display()}): {run.checked} tệp, {run.ok} toàn "
            f"vẹn, {run.repaired} đã sửa, {run.lost} hỏng cả hai bản."
        ),
        data={"checked": run.checked, "ok": run.ok, "repaired": run.repaired, "lost": run.lost},
    )


@dataclass
class CycleStatus:
    """How far the current cycle has got: files verified within the last cycle."""

    total: int
    verified: int
    never: int
    lost: int
    cycle_days: int
    last_run: FixityRun | None
    next_run_at: Any

    @property
    def percent(self) -> int:
        return 100 if not self.total else 100 * self.verified // self.total


def cycle_status() -> CycleStatus:
    """For the dashboard: cycle progress, the last audit and when the next is due."""
    since = timezone.now() - timedelta(days=settings.FIXITY_CYCLE_DAYS)
    counts = StoredFile.objects.aggregate(
        total=Count("pk"),
        verified=Count("pk", filter=Q(checked_at__gte=since)),
        never=Count("pk", filter=Q(checked_at__isnull=True)),
        lost=Count("pk", filter=Q(fixity_status=FixityStatus.LOST)),
    )  # one query
    last = FixityRun.objects.order_by("-started_at").first()
    interval = timedelta(hours=settings.FIXITY_INTERVAL_HOURS)
    return CycleStatus(
        total=counts["total"],
        verified=counts["verified"],
        never=counts["never"],
        lost=counts["lost"],
        cycle_days=settings.FIXITY_CYCLE_DAYS,
        last_run=last,
        next_run_at=_next_run(last, interval),
    )


def _next_run(last: FixityRun | None, interval: timedelta) -> Any:
    """When the background worker's queued audit is due, else one interval after the last."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    queued = (
        DBTaskResult.objects.filter(
            task_path="luutru.preservation.tasks.fixity_audit", status=TaskResultStatus.READY
        )
        .order_by("run_after")
        .values_list("run_after", flat=True)
        .first()
    )
    if queued is not None and queued.year < 9999:  # django-tasks-db's "as soon as possible"
        return queued
    return (last.started_at + interval) if last else timezone.now()
