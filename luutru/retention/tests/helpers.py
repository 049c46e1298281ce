"""Expired dossiers with real files in real (temporary) storages, and a round up to its
decision, made through the actions."""

from __future__ import annotations

import datetime
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.test import override_settings

from luutru.preservation.actions import create_aips
from luutru.preservation.tests.helpers import attach, store_bytes
from luutru.records.models import Dossier
from luutru.records.tests.factory import make_document, make_dossier
from luutru.retention import actions
from luutru.retention.models import Appraisal, MemberRole, Opinion
from luutru.test import BaseTestCase

YEAR = 2026


class RetentionTestCase(BaseTestCase):
    """Each test gets its own primary and replica folders (an explicit, existing replica)."""

    scratch: Path

    def setUp(self) -> None:
        super().setUp()
        self.scratch = Path(tempfile.mkdtemp(prefix="luutru-retention-"))
        (self.scratch / "replica").mkdir()
        override = override_settings(
            STORAGE_ROOT=self.scratch / "files",
            REPLICA_ROOT=self.scratch / "replica",
            REPLICA_CREATE=False,
        )
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(shutil.rmtree, self.scratch, True)

    def expired_dossier(self, number: int, *, retention: str = "06", **extra: Any) -> Dossier:
        """A 10-year dossier whose matter ended in 2012 (expired 31/12/2022), with one public
        document and its PDF in both storages, and its AIP."""
        values: dict[str, Any] = {
            "code": f"{self.agency_a.code}.2012.{number:02d}",
            "year": 2012,
            "retention": retention,
            "start_date": datetime.date(2012, 1, 5),
            "end_date": datetime.date(2012, 11, 30),
            "fonds": self.fonds_a,
        }
        values.update(extra)
        dossier = make_dossier(self.agency_a, number, **values)
        document = make_document(
            self.agency_a,
            dossier,
            1,
            issued_date=datetime.date(2012, 3, 1),
            summary=f"Báo cáo thanh quyết toán hết hạn số {number}",
        )
        stored = store_bytes(f"%PDF-1.4 hồ sơ {number}".encode(), "bao-cao.pdf")
        attach(document, stored, "bao-cao.pdf")
        create_aips([document.pk])
        return dossier

    def council_round(self, *dossiers: Dossier) -> Appraisal:
        """A round over the due dossiers, a council of three, all voting to destroy, closed."""
        appraisal = actions.open_appraisal(agency=self.agency_a, year=YEAR, actor=self.archivist)
        actions.add_member(appraisal, user=self.head, role=MemberRole.CHAIR, actor=self.archivist)
        actions.add_member(
            appraisal, user=self.archivist, role=MemberRole.SECRETARY, actor=self.archivist
        )
        actions.add_member(
            appraisal, user=self.council, role=MemberRole.MEMBER, actor=self.archivist
        )
        for item in appraisal.items.all():
            for user in (self.head, self.archivist, self.council):
                actions.cast_vote(item, actor=user, opinion=Opinion.DESTROY)
        return actions.close_council(
            appraisal,
            met_on=datetime.date(YEAR, 3, 2),
            actor=self.archivist,
            minutes="Hội đồng thống nhất đề nghị hủy các hồ sơ hết thời hạn lưu trữ.",
            explanatory_note="Khối tài liệu hết giá trị của Sở Tài chính giai đoạn 2010-2012.",
        )

    def decided_round(self, *dossiers: Dossier) -> Appraisal:
        appraisal = self.council_round(*dossiers)
        return actions.decide_disposal(appraisal, number="15/QĐ-STC", actor=self.head)
