"""The demo province: agencies, archives, fonds and one login per role.

Everything is created through the real actions, so the audit trail of a demo database looks
like a real one. Seeding is idempotent: what exists (by code or user name) is left alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from luutru.accounts.actions import create_user, make_reader
from luutru.accounts.models import Role, User
from luutru.organizations import actions
from luutru.organizations.models import Agency, AgencyKind, Archive, ArchiveKind, EndReason, Fonds

DEMO_PASSWORD = "LuuTru@2026"  # noqa: S105 - printed for trainees; demo databases only
PROVINCE = "tỉnh Sơn Nam"
REFORM_DAY = datetime.date(2025, 3, 1)
DISTRICTS_END = datetime.date(2025, 7, 1)

# code, name, kind, parent code, valid from
AGENCIES: list[tuple[str, str, str, str | None, datetime.date | None]] = [
    ("000.00.00.K62", f"Hội đồng nhân dân {PROVINCE}", AgencyKind.PROVINCIAL_COUNCIL, None, None),
    ("000.00.00.H62", f"Ủy ban nhân dân {PROVINCE}", AgencyKind.PROVINCIAL_COMMITTEE, None, None),
    (
        "000.00.01.H62",
        "Văn phòng Ủy ban nhân dân tỉnh",
        AgencyKind.DEPARTMENT,
        "000.00.00.H62",
        None,
    ),
    ("000.00.02.H62", "Sở Nội vụ", AgencyKind.DEPARTMENT, "000.00.00.H62", None),
    ("000.00.03.H62", "Sở Tài chính", AgencyKind.DEPARTMENT, "000.00.00.H62", None),
    ("000.00.04.H62", "Sở Xây dựng", AgencyKind.DEPARTMENT, "000.00.00.H62", None),
    ("000.00.05.H62", "Sở Giáo dục và Đào tạo", AgencyKind.DEPARTMENT, "000.00.00.H62", None),
    ("000.00.06.H62", "Sở Y tế", AgencyKind.DEPARTMENT, "000.00.00.H62", None),
    ("000.00.07.H62", "Sở Tư pháp", AgencyKind.DEPARTMENT, "000.00.00.H62", None),
    (
        "000.00.08.H62",
        "Sở Văn hóa, Thể thao và Du lịch",
        AgencyKind.DEPARTMENT,
        "000.00.00.H62",
        None,
    ),
    ("000.00.09.H62", "Sở Tài nguyên và Môi trường", AgencyKind.DEPARTMENT, "000.00.00.H62", None),
    (
        "000.00.10.H62",
        "Sở Nông nghiệp và Phát triển nông thôn",
        AgencyKind.DEPARTMENT,
        "000.00.00.H62",
        None,
    ),
    (
        "000.00.11.H62",
        "Sở Nông nghiệp và Môi trường",
        AgencyKind.DEPARTMENT,
        "000.00.00.H62",
        REFORM_DAY,
    ),
    (
        "000.02.01.H62",
        "Trung tâm Lưu trữ lịch sử tỉnh",
        AgencyKind.PUBLIC_SERVICE,
        "000.00.02.H62",
        None,
    ),
    ("000.30.01.H62", "Ủy ban nhân dân huyện Gia Viễn", AgencyKind.DISTRICT, "000.00.00.H62", None),
    (
        "000.20.01.H62",
        "Ủy ban nhân dân phường Hoa Lư",
        AgencyKind.COMMUNE_COMMITTEE,
        "000.00.00.H62",
        None,
    ),
    (
        "000.20.02.H62",
        "Ủy ban nhân dân xã Gia Viễn",
        AgencyKind.COMMUNE_COMMITTEE,
        "000.00.00.H62",
        DISTRICTS_END,
    ),
    (
        "000.20.03.H62",
        "Ủy ban nhân dân xã Gia Hưng",
        AgencyKind.COMMUNE_COMMITTEE,
        "000.00.00.H62",
        DISTRICTS_END,
    ),
    (
        "000.20.04.H62",
        "Ủy ban nhân dân xã Kim Sơn",
        AgencyKind.COMMUNE_COMMITTEE,
        "000.00.00.H62",
        None,
    ),
]

# predecessor, successors, reason, day, legal basis
ENDINGS = [
    ("000.00.09.H62", ["000.00.11.H62"], EndReason.MERGED, REFORM_DAY, "Quyết định số 215/QĐ-UBND"),
    ("000.00.10.H62", ["000.00.11.H62"], EndReason.MERGED, REFORM_DAY, "Quyết định số 215/QĐ-UBND"),
    ("000.30.01.H62", ["000.20.02.H62", "000.20.03.H62"], EndReason.SPLIT, DISTRICTS_END,
     "Nghị quyết số 1674/NQ-UBTVQH15"),
]  # fmt: skip


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    position: str
    role: Role
    agency_code: str | None


USERS = [
    DemoUser(
        "quantri", "Nguyễn Văn Quản", "Chuyên viên công nghệ thông tin", Role.ADMIN, "000.00.02.H62"
    ),
    DemoUser("vanthu", "Trần Thị Thư", "Văn thư", Role.CLERK, "000.00.03.H62"),
    DemoUser("luutruvien", "Lê Thị Lưu", "Lưu trữ viên", Role.ARCHIVIST, "000.02.01.H62"),
    DemoUser("lanhdao", "Phạm Đức Minh", "Giám đốc Trung tâm", Role.HEAD, "000.02.01.H62"),
    DemoUser(
        "hoidong",
        "Hoàng Thị Hồng",
        "Thành viên Hội đồng xác định giá trị tài liệu",
        Role.COUNCIL,
        "000.00.02.H62",
    ),
    DemoUser("sonoivu", "Vũ Văn Nội", "Chuyên viên Sở Nội vụ", Role.KPI_VIEWER, "000.00.02.H62"),
    DemoUser("docgia", "Đặng Thị Đọc", "Nghiên cứu viên", Role.READER, None),
]


@transaction.atomic
def seed() -> int:
    """Create what is missing; return how many objects were created (0 on a second run)."""
    created = 0
    by_code = {a.code: a for a in Agency.objects.all()}
    for code, name, kind, parent_code, valid_from in AGENCIES:
        if code in by_code:
            continue
        by_code[code] = actions.create_agency(
            actor=None,
            code=code,
            name=name,
            kind=kind,
            parent=by_code[parent_code] if parent_code else None,
            valid_from=valid_from,
        )
        created += 1

    archive_agency = by_code["000.02.01.H62"]
    archive = Archive.objects.filter(agency=archive_agency, kind=ArchiveKind.HISTORICAL).first()
    if archive is None:
        archive = actions.create_archive(
            agency=archive_agency,
            name=f"Lưu trữ lịch sử {PROVINCE}",
            kind=ArchiveKind.HISTORICAL,
            actor=None,
        )
        created += 1
    for agency in by_code.values():
        if agency.transfers_to_id is None and agency.pk != archive_agency.pk:
            actions.update_agency(agency, transfers_to=archive, actor=None)
            created += 1

    for number, (code, name, _kind, _parent, valid_from) in enumerate(AGENCIES, start=1):
        fonds_code = f"H62.{number:03d}"
        if Fonds.objects.filter(code=fonds_code).exists():
            continue
        actions.create_fonds(
            actor=None,
            code=fonds_code,
            name=f"Phông {name}",
            agency=by_code[code],
            history=f"{name} được thành lập theo quyết định của cấp có thẩm quyền.",
            start_year=valid_from.year if valid_from else 1992,
        )
        created += 1

    for code, successor_codes, reason, day, basis in ENDINGS:
        agency = by_code[code]
        if agency.valid_until is None:
            by_code[code] = actions.end_agency(
                agency,
                on=day,
                reason=reason,
                successors=[by_code[c] for c in successor_codes],
                legal_basis=basis,
                actor=None,
            )
            created += 1

    for spec in USERS:
        if User.objects.filter(username=spec.username).exists():
            continue
        user = create_user(
            username=spec.username,
            password=DEMO_PASSWORD,
            full_name=spec.full_name,
            position=spec.position,
            email=f"{spec.username}@sonnam.example",
            actor=None,
        )
        if spec.role == Role.READER:
            make_reader(user, organization="Viện Sử học", actor=None)
        elif spec.agency_code is not None:
            actions.assign_role(user, agency=by_code[spec.agency_code], role=spec.role, actor=None)
        created += 1
    return created
