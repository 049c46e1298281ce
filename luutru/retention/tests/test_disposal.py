"""The whole disposal (TT 06/2025) through the actions: the list "xem xét hủy", the council
and its votes, the decision, the destruction; and every refusal, with nothing deleted."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path
from unittest import mock

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from luutru.access.models import Grant, Use
from luutru.audit.models import AuditEvent
from luutru.digitization.models import ScanBatch
from luutru.portal.models import OaiRecord
from luutru.portal.publication import note_documents
from luutru.preservation.actions import create_aips
from luutru.preservation.models import Aip, AipVersion, PremisEvent
from luutru.preservation.tests.helpers import attach, store_bytes
from luutru.records import actions as record_actions
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import make_document, publish
from luutru.retention import actions
from luutru.retention.models import (
    Appraisal,
    AppraisalState,
    DestroyedRecord,
    HoldKind,
    MemberRole,
    Opinion,
)
from luutru.retention.tests.helpers import YEAR, RetentionTestCase
from luutru.search import services as search
from luutru.storage.backends import LocalDiskBackend
from luutru.storage.models import StoredFile
from luutru.storage.services import backend, replica


def found(text: str) -> set[str]:
    """Codes of what an anonymous search finds."""
    return {hit.code for hit in search.search(None, text).hits}


class DisposalTests(RetentionTestCase):
    def test_the_whole_disposal_removes_records_everywhere_and_keeps_the_register(self) -> None:
        dossier = self.expired_dossier(1)
        keep = self.expired_dossier(2)
        document = dossier.documents.get()
        code = document.archival_code
        sha = document.files.get().stored.sha256
        publish(dossier, keep)  # on the portal, the API and the public's search until destroyed
        note_documents([document.pk])
        search.index_documents([document.pk, keep.documents.get().pk])
        self.assertIn(code, found("thanh quyết toán hết hạn số 1"))
        self.assertIn(dossier.code, found(dossier.title))
        self.assertEqual(self.client.get(f"/api/v1/documents/{code}").status_code, 200)

        appraisal = actions.open_appraisal(agency=self.agency_a, year=YEAR, actor=self.archivist)
        self.assertEqual(
            sorted(appraisal.items.values_list("code", flat=True)), [dossier.code, keep.code]
        )
        actions.add_member(appraisal, user=self.head, role=MemberRole.CHAIR, actor=self.archivist)
        actions.add_member(
            appraisal, user=self.council, role=MemberRole.MEMBER, actor=self.archivist
        )
        first, second = appraisal.items.order_by("code")
        for user in (self.head, self.council):
            actions.cast_vote(first, actor=user, opinion=Opinion.DESTROY)
        actions.cast_vote(
            second, actor=self.council, opinion=Opinion.KEEP, comment="Còn giá trị tra cứu"
        )
        actions.conclude_item(
            second,
            outcome=Opinion.KEEP,
            new_retention="04",
            keep_reason="Còn giá trị tra cứu",
            actor=self.archivist,
        )
        appraisal = actions.close_council(
            appraisal,
            met_on=datetime.date(YEAR, 3, 2),
            minutes="Biên bản họp.",
            explanatory_note="Thuyết minh.",
            actor=self.archivist,
        )
        self.assertEqual(appraisal.state, AppraisalState.PROPOSED)
        keep.refresh_from_db()
        self.assertEqual(keep.retention, "04")
        appraisal = actions.decide_disposal(appraisal, number="15/QĐ-STC", actor=self.head)
        self.assertEqual(appraisal.destroy_by, timezone.localdate() + datetime.timedelta(days=15))

        with self.captureOnCommitCallbacks(execute=True):
            appraisal = actions.destroy(appraisal, actor=self.archivist)

        self.assertEqual(appraisal.state, AppraisalState.DESTROYED)
        self.assertFalse(Dossier.objects.filter(pk=dossier.pk).exists())
        self.assertFalse(Document.objects.filter(archival_code=code).exists())
        self.assertTrue(Dossier.objects.filter(pk=keep.pk).exists())
        self.assertFalse(StoredFile.objects.filter(sha256=sha).exists())
        self.assertFalse(backend().exists(sha))
        self.assertFalse(replica().exists(sha))
        for root in ("files", "replica"):  # purged on commit, not kept aside
            self.assertEqual(list((self.scratch / root / ".discarded").iterdir()), [])
        self.assertFalse(Aip.objects.filter(dossier_id=dossier.pk).exists())
        self.assertTrue(Aip.objects.filter(dossier_id=keep.pk).exists())
        # The portal, the API and search no longer have it; OAI harvesters get a tombstone.
        self.assertEqual(self.client.get(f"/tai-lieu/{code}/").status_code, 404)
        self.assertEqual(self.client.get(f"/api/v1/documents/{code}").status_code, 404)
        self.assertTrue(OaiRecord.objects.get(code=code).deleted)
        self.assertNotIn(code, found("thanh quyết toán hết hạn số 1"))
        self.assertNotIn(dossier.code, found(dossier.title))
        self.assertIn(keep.documents.get().archival_code, found("thanh quyết toán hết hạn số 2"))
        # The register keeps what it was, its history and its deletion event.
        entry = DestroyedRecord.objects.get(code=dossier.code)
        self.assertEqual(entry.decision_number, "15/QĐ-STC")
        self.assertEqual(entry.documents[0]["archival_code"], code)
        self.assertEqual(entry.files[0]["sha256"], sha)
        types = [event["type"] for event in entry.events]
        self.assertIn("ingestion", types)
        self.assertEqual(types[-1], "deletion")
        self.assertEqual(entry.events[-1]["identifier"], str(entry.deletion_event))
        self.assertFalse(PremisEvent.objects.filter(dossier_id=dossier.pk).exists())
        self.assertTrue(
            AuditEvent.objects.filter(action="retention.destroy_record", object_id=str(entry.pk))
        )
        # The store and the audit chain are whole afterwards.
        out = io.StringIO()
        call_command("fixity", "--all", "--json", stdout=out)
        report = json.loads(out.getvalue())
        self.assertEqual((report["checked"], report["ok"]), (1, 1))  # the kept dossier's file
        self.assertEqual((report["lost"], report["failed"], report["interrupted"]), ([], [], ""))
        call_command("audit", "verify", stdout=io.StringIO())

    def test_a_file_another_record_uses_stays_in_storage(self) -> None:
        dossier = self.expired_dossier(1)
        other = self.expired_dossier(2, retention="01")
        shared = dossier.documents.get().files.get().stored
        other.documents.get().files.create(stored=shared, name="ban-sao.pdf")
        appraisal = self.decided_round()
        actions.destroy(appraisal, actor=self.archivist)
        self.assertTrue(StoredFile.objects.filter(pk=shared.pk).exists())
        self.assertTrue(backend().exists(shared.sha256))
        self.assertTrue(replica().exists(shared.sha256))
        self.assertFalse(DestroyedRecord.objects.get(code=dossier.code).files[0]["removed"])

    def test_the_scans_of_a_dossier_go_with_it(self) -> None:
        dossier = self.expired_dossier(1)
        document = dossier.documents.get()
        image = store_bytes(b"II*\x00 trang quet 1", "trang-1.tif")
        thumb = store_bytes(b"\xff\xd8\xff anh nho 1", "trang-1.jpg")
        batch = ScanBatch.objects.create(dossier=dossier, agency=self.agency_a, name="Lô 1")
        item = batch.items.create(position=1, document=document)
        item.pages.create(
            position=1,
            original=image,
            source_name="trang-1.tif",
            kind="tiff",
            thumbnail=thumb.sha256,
        )
        actions.destroy(self.decided_round(), actor=self.archivist)
        self.assertFalse(ScanBatch.objects.exists())
        for stored in (image, thumb):
            self.assertFalse(StoredFile.objects.filter(pk=stored.pk).exists())
            self.assertFalse(backend().exists(stored.sha256))
            self.assertFalse(replica().exists(stored.sha256))

    def assert_nothing_deleted(self, *dossiers: Dossier) -> None:
        for dossier in dossiers:
            self.assertTrue(Dossier.objects.filter(pk=dossier.pk).exists())
            sha = dossier.documents.get().files.get().stored.sha256
            self.assertTrue(backend().exists(sha), "primary copy")
            self.assertTrue(replica().exists(sha), "replica copy")
        self.assertFalse(DestroyedRecord.objects.exists())

    def test_a_dossier_under_hold_is_not_destroyed(self) -> None:
        dossier = self.expired_dossier(1)
        appraisal = self.decided_round()
        actions.place_hold(
            kind=HoldKind.LITIGATION,
            reason="Vụ án hành chính số 12/2026",
            fonds=self.fonds_a,
            actor=self.archivist,
        )
        with self.assertRaisesMessage(ValidationError, "đang bị tạm dừng hủy"):
            actions.destroy(appraisal, actor=self.archivist)
        self.assert_nothing_deleted(dossier)

    def test_a_lifted_hold_no_longer_blocks(self) -> None:
        dossier = self.expired_dossier(1)
        appraisal = self.decided_round()
        hold = actions.place_hold(
            kind=HoldKind.INSPECTION,
            reason="Thanh tra tài chính",
            dossier=dossier,
            actor=self.archivist,
        )
        actions.lift_hold(hold, reason="Kết thúc thanh tra", actor=self.head)
        actions.destroy(appraisal, actor=self.archivist)
        self.assertFalse(Dossier.objects.filter(pk=dossier.pk).exists())

    def test_a_permanent_dossier_is_not_destroyed(self) -> None:
        dossier = self.expired_dossier(1)
        appraisal = self.decided_round()
        Dossier.objects.filter(pk=dossier.pk).update(retention="01")
        with self.assertRaisesMessage(ValidationError, "vĩnh viễn"):
            actions.destroy(appraisal, actor=self.archivist)
        self.assert_nothing_deleted(dossier)

    def test_a_dossier_a_reader_holds_a_grant_for_is_not_destroyed(self) -> None:
        dossier = self.expired_dossier(1)
        appraisal = self.decided_round()
        now = timezone.now()
        Grant.objects.create(
            user=self.reader,
            document=dossier.documents.get(),
            uses=[Use.READ],
            valid_from=now,
            valid_until=now + datetime.timedelta(days=15),
        )
        with self.assertRaisesMessage(ValidationError, "đang được độc giả khai thác"):
            actions.destroy(appraisal, actor=self.archivist)
        self.assert_nothing_deleted(dossier)

    def test_a_dossier_not_approved_by_the_decision_is_refused(self) -> None:
        dossier = self.expired_dossier(1)
        appraisal = self.decided_round()
        with self.assertRaisesMessage(ValidationError, "không có trong danh mục"):
            actions.destroy(appraisal, actor=self.archivist, codes_=["H62.KHAC.01"])
        self.assert_nothing_deleted(dossier)

    def test_nothing_is_destroyed_before_the_decision(self) -> None:
        dossier = self.expired_dossier(1)
        appraisal = self.council_round()
        with self.assertRaisesMessage(ValidationError, "Chưa có quyết định hủy"):
            actions.destroy(appraisal, actor=self.archivist)
        self.assert_nothing_deleted(dossier)

    def test_only_a_head_decides(self) -> None:
        self.expired_dossier(1)
        appraisal = self.council_round()
        with self.assertRaisesMessage(ValidationError, "người đứng đầu"):
            actions.decide_disposal(appraisal, number="1/QĐ", actor=self.archivist)

    def test_a_lapsed_decision_is_refused(self) -> None:
        dossier = self.expired_dossier(1)
        appraisal = self.decided_round()
        Appraisal.objects.filter(pk=appraisal.pk).update(
            destroy_by=timezone.localdate() - datetime.timedelta(days=1)
        )
        with self.assertRaisesMessage(ValidationError, "quá hạn thực hiện"):
            actions.destroy(appraisal, actor=self.archivist)
        self.assert_nothing_deleted(dossier)

    def test_a_member_votes_once_per_item(self) -> None:
        self.expired_dossier(1)
        appraisal = actions.open_appraisal(agency=self.agency_a, year=YEAR, actor=self.archivist)
        actions.add_member(
            appraisal, user=self.council, role=MemberRole.MEMBER, actor=self.archivist
        )
        item = appraisal.items.get()
        actions.cast_vote(item, actor=self.council, opinion=Opinion.DESTROY)
        with self.assertRaisesMessage(ValidationError, "mỗi thành viên chỉ một lần"):
            actions.cast_vote(item, actor=self.council, opinion=Opinion.KEEP)
        self.assertEqual(item.votes.count(), 1)

    def test_someone_outside_the_council_cannot_vote(self) -> None:
        self.expired_dossier(1)
        appraisal = actions.open_appraisal(agency=self.agency_a, year=YEAR, actor=self.archivist)
        with self.assertRaisesMessage(ValidationError, "Chỉ thành viên hội đồng"):
            actions.cast_vote(appraisal.items.get(), actor=self.clerk_a, opinion=Opinion.DESTROY)

    def test_a_missing_replica_refuses_the_destruction(self) -> None:
        dossier = self.expired_dossier(1)
        appraisal = self.decided_round()
        away = self.scratch / "replica-unmounted"
        (self.scratch / "replica").rename(away)
        with self.assertRaisesMessage(ValidationError, "kho dự phòng"):
            actions.destroy(appraisal, actor=self.archivist)
        (away).rename(self.scratch / "replica")
        self.assert_nothing_deleted(dossier)
        self.assertEqual(Appraisal.objects.get(pk=appraisal.pk).state, AppraisalState.DECIDED)

    def test_a_failure_half_way_puts_every_file_back(self) -> None:
        first, second = self.expired_dossier(1), self.expired_dossier(2)
        appraisal = self.decided_round()
        real = LocalDiskBackend.set_aside
        calls = {"n": 0}

        def flaky(storage: LocalDiskBackend, sha256: str) -> Path | None:
            calls["n"] += 1
            if calls["n"] == 3:  # the second file's replica copy: the disk went away
                raise OSError("Input/output error")
            return real(storage, sha256)

        with (
            mock.patch.object(LocalDiskBackend, "set_aside", flaky),
            self.assertRaisesMessage(ValidationError, "đã khôi phục"),
        ):
            actions.destroy(appraisal, actor=self.archivist)
        self.assertEqual(calls["n"], 3)
        self.assert_nothing_deleted(first, second)
        self.assertFalse(list((self.scratch / "files" / ".discarded").iterdir()))


class ReusedCodeTests(RetentionTestCase):
    def test_a_code_destroyed_before_and_given_to_a_new_dossier_is_destroyed_again(self) -> None:
        first = self.expired_dossier(1)
        code = first.code
        appraisal = self.decided_round(first)
        actions.destroy(appraisal, actor=self.archivist)
        # Years later the code is given to another dossier, which expires in its turn.
        again = self.expired_dossier(1, title="Hồ sơ mới mang mã cũ")
        self.assertEqual(again.code, code)
        second = self.decided_round(again)
        second.decision_number = "20/QĐ-STC"
        second.save(update_fields=["decision_number"])
        actions.destroy(second, actor=self.archivist)

        entries = DestroyedRecord.objects.filter(code=code).order_by("pk")
        self.assertEqual(
            [(e.title, e.decision_number) for e in entries],
            [(first.title, "15/QĐ-STC"), ("Hồ sơ mới mang mã cũ", "20/QĐ-STC")],
        )
        self.assertFalse(Dossier.objects.filter(code=code).exists())


class SupersededPackageTests(RetentionTestCase):
    def test_a_dossier_with_a_filed_loose_document_is_destroyed_with_its_old_packages(
        self,
    ) -> None:
        """A loose document filed into the dossier left an AIP_tailieu and the dossier's first
        AIP as superseded packages, each a zip holding the records' files: they go too."""
        dossier = self.expired_dossier(1)
        loose = make_document(
            self.agency_a,
            None,
            summary="Công văn chưa lập hồ sơ về thanh quyết toán",
            issued_date=datetime.date(2012, 6, 1),
            retention="06",
        )
        attach(loose, store_bytes(b"%PDF-1.4 cong van", "cong-van.pdf"), "cong-van.pdf")
        with self.captureOnCommitCallbacks(execute=True):
            create_aips([loose.pk])
        record_actions.file_document(
            loose, dossier, reason="Lập hồ sơ thanh quyết toán", actor=self.archivist
        )
        packages = list(
            AipVersion.objects.filter(Q(dossier=dossier) | Q(document=loose)).values_list(
                "package__sha256", flat=True
            )
        )
        self.assertEqual(len(packages), 2)

        with self.captureOnCommitCallbacks(execute=True):
            actions.destroy(self.decided_round(), actor=self.archivist)

        self.assertFalse(Dossier.objects.filter(pk=dossier.pk).exists())
        self.assertFalse(AipVersion.objects.exists())
        for sha in packages:
            self.assertFalse(StoredFile.objects.filter(sha256=sha).exists())
            self.assertFalse(backend().exists(sha))
            self.assertFalse(replica().exists(sha))
        entry = DestroyedRecord.objects.get(code=dossier.code)
        types = [event["type"] for event in entry.events]
        self.assertIn("information package merging", types)
        self.assertEqual(types[-1], "deletion")
