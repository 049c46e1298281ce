"""The demo's use (khai thác): a signing certificate, an approved reader, and requests.

The demo CA and the archive's certificate go where the settings point (the data directory by
default), so certified copies made in the demo verify against ``signing/ca.crt``. The demo
reader ``docgia`` gets identity details and an approved account, one delivered reading copy of
a conditional-use document and one request waiting for the head, with its deadline. Idempotent.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from luutru.access import actions, policy
from luutru.access.models import AccessRequest, DeliveryForm, FeeCategory, Purpose
from luutru.access.signing import write_demo_certificate
from luutru.accounts.models import Reader, User
from luutru.organizations.models import Agency
from luutru.records.models import Document

ARCHIVE_CODE = "000.02.01.H62"


def seed_use() -> int:
    """Create what is missing; return how many things were created (0 on a second run)."""
    created = 0
    archive = Agency.objects.filter(code=ARCHIVE_CODE).first()
    name = archive.name if archive else "Trung tâm Lưu trữ lịch sử tỉnh"
    cert = Path(settings.ACCESS_SIGNING_CERT)
    if not cert.exists():
        write_demo_certificate(cert.parent, name)
        created += 1
    reader = Reader.objects.filter(user__username="docgia").select_related("user").first()
    head = User.objects.filter(username="lanhdao").first()
    if reader is None or head is None:
        return created
    if reader.approved_at is None:
        reader.id_number = reader.id_number or "001190012345"
        reader.address = reader.address or "Số 1 phố Lý Thường Kiệt, thành phố Sơn Nam"
        reader.date_of_birth = reader.date_of_birth or datetime.date(1990, 3, 8)
        reader.purpose = reader.purpose or "Nghiên cứu lịch sử quản lý ngân sách địa phương"
        reader.save(update_fields=["id_number", "address", "date_of_birth", "purpose"])
        actions.approve_reader(reader, actor=head)
        created += 1
    if AccessRequest.objects.filter(reader=reader.user).exists():
        return created
    restricted = list(
        Document.objects.filter(
            Q(access_regime=policy.CONDITIONAL) | Q(dossier__access_regime=policy.CONDITIONAL),
            files__isnull=False,
        )
        .exclude(archival_code="")
        .distinct()
        .order_by("pk")[:2]
    )
    if not restricted:
        return created
    first = actions.submit_request(
        reader.user,
        codes=[restricted[0].archival_code],
        purpose=Purpose.OFFICIAL,
        fee_category=FeeCategory.EXEMPT,
        research_topic="Lịch sử quản lý ngân sách tỉnh Sơn Nam",
        form=DeliveryForm.READING,
    )
    actions.approve_request(first, actor=head)
    actions.deliver(first, actor=head)
    actions.submit_request(
        reader.user,
        codes=[restricted[-1].archival_code],
        purpose=Purpose.PERSONAL,
        fee_category=FeeCategory.STANDARD,
        research_topic="Quy hoạch đô thị",
        form=DeliveryForm.CERTIFIED,
    )
    return created + 2
