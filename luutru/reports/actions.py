"""Every state change of evaluation: targets, hand-kept tallies, training, snapshots.

Each is atomic and writes its audit event in the same transaction (``audit.record``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

from luutru.audit.actions import record
from luutru.organizations.models import Agency
from luutru.reports import services
from luutru.reports.models import (
    Attendance,
    Course,
    Figure,
    PaperHandover,
    ReadingRoomTally,
    ReportForm,
    Snapshot,
    Target,
    TrainingSession,
)


class AuditAction(StrEnum):
    TARGET_CHANGE = "reports.target_change"
    PAPER_HANDOVER = "reports.paper_handover"
    READING_ROOM = "reports.reading_room"
    COURSE_CREATE = "reports.course_create"
    SESSION_CREATE = "reports.session_create"
    ATTENDANCE = "reports.attendance"
    SNAPSHOT = "reports.snapshot"
    FORM_CHANGE = "reports.form_change"


def change_target(target: Target, *, value: Decimal | None, note: str, actor: Any) -> Target:
    with transaction.atomic():
        old = target.value
        target.value, target.note = value, note
        target.save(update_fields=["value", "note", "updated_at"])
        record(
            AuditAction.TARGET_CHANGE, actor=actor, target=target,
            message=f"Đổi chỉ tiêu “{target.label}”: {old} → {value}.",
            data={"key": target.key, "old": old, "new": value},
        )  # fmt: skip
    return target


def record_paper_handover(
    *,
    agency: Agency,
    received_on: datetime.date,
    dossiers: int,
    boxes: int,
    shelf_metres: Decimal,
    note: str = "",
    actor: Any,
) -> PaperHandover:
    with transaction.atomic():
        handover = PaperHandover.objects.create(
            agency=agency, received_on=received_on, dossiers=dossiers, boxes=boxes,
            shelf_metres=shelf_metres, note=note,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )  # fmt: skip
        record(
            AuditAction.PAPER_HANDOVER, actor=actor, target=handover,
            message=f"Ghi nhận giao nộp tài liệu giấy của {agency.code} ngày "
            f"{received_on:%d/%m/%Y}: {dossiers} hồ sơ, {shelf_metres} mét giá.",
        )  # fmt: skip
    return handover


def record_reading_room(
    *, agency: Agency, day: datetime.date, requests: int, note: str = "", actor: Any
) -> ReadingRoomTally:
    with transaction.atomic():
        tally = ReadingRoomTally.objects.create(
            agency=agency, day=day, requests=requests, note=note,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )  # fmt: skip
        record(
            AuditAction.READING_ROOM, actor=actor, target=tally,
            message=f"Ghi nhận {requests} phiếu phục vụ tại phòng đọc ngày {day:%d/%m/%Y}.",
        )  # fmt: skip
    return tally


def create_course(*, title: str, provider: str = "", hours: int | None = None,
                  description: str = "", actor: Any) -> Course:  # fmt: skip
    with transaction.atomic():
        course = Course.objects.create(
            title=title, provider=provider, hours=hours, description=description
        )
        record(AuditAction.COURSE_CREATE, actor=actor, target=course,
               message=f"Tạo khóa bồi dưỡng “{title}”.")  # fmt: skip
    return course


def create_session(
    course: Course, *, starts_on: datetime.date, ends_on: datetime.date, place: str = "",
    actor: Any,
) -> TrainingSession:  # fmt: skip
    with transaction.atomic():
        session = TrainingSession.objects.create(
            course=course, starts_on=starts_on, ends_on=ends_on, place=place
        )
        record(AuditAction.SESSION_CREATE, actor=actor, target=session,
               message=f"Mở lớp “{session}”.")  # fmt: skip
    return session


def set_attendance(
    session: TrainingSession, user: Any, *, completed: bool, actor: Any
) -> Attendance:
    """Add the person to the session (once), and mark whether they completed it."""
    with transaction.atomic():
        attendance, _ = Attendance.objects.get_or_create(session=session, user=user)
        if attendance.completed != completed:
            attendance.completed = completed
            attendance.save(update_fields=["completed"])
        record(
            AuditAction.ATTENDANCE, actor=actor, target=attendance,
            message=f"{user} — {session}: {'đã hoàn thành' if completed else 'chưa hoàn thành'}.",
        )  # fmt: skip
    return attendance


def take_snapshot(day: datetime.date | None = None, *, actor: Any = None) -> Snapshot:
    """The day's aggregates (``services.snapshot_periods``), replacing any taken that day.

    Safe to run twice. Cost: about fifteen grouped queries a period, seventeen periods at most.
    """
    day = day or timezone.localdate()
    computed = [(p, services.figures(p)) for p in services.snapshot_periods(day)]
    with transaction.atomic():
        Snapshot.objects.filter(day=day).delete()
        snap = Snapshot.objects.create(
            day=day, computed_at=timezone.now(), periods=[p.label for p, _ in computed]
        )
        rows = [
            Figure(snapshot=snap, period=period.label, agency_id=agency_id or None, key=key,
                   numerator=num, denominator=den)
            for period, data in computed
            for key, by_agency in data.items()
            for agency_id, (num, den) in by_agency.items()
        ]  # fmt: skip
        Figure.objects.bulk_create(rows, batch_size=2000)
        record(
            AuditAction.SNAPSHOT, actor=actor, target=snap,
            message=f"Tổng hợp số liệu ngày {day:%d/%m/%Y}: {len(rows)} số liệu.",
        )  # fmt: skip
    return snap


def change_report_form(form: ReportForm, *, actor: Any, **fields: Any) -> ReportForm:
    """Change a report form's layout (title, basis, rows, columns, confirmed, note)."""
    allowed = {"title", "legal_basis", "confirmed", "rows", "columns", "note"}
    with transaction.atomic():
        for name, value in fields.items():
            if name not in allowed:
                raise TypeError(name)
            setattr(form, name, value)
        form.save(update_fields=sorted(fields))
        record(
            AuditAction.FORM_CHANGE, actor=actor, target=form,
            message=f"Sửa biểu mẫu báo cáo {form.code}.",
            data={"rows": len(form.rows), "confirmed": form.confirmed},
        )  # fmt: skip
    return form
