"""The audit trail is a hash chain: any edit, deletion or forgery is found and located."""

from __future__ import annotations

import itertools
import json
import stat
import tempfile
from enum import StrEnum
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings

from luutru.audit import anchor
from luutru.audit.actions import record
from luutru.audit.models import AuditEvent
from luutru.audit.services import checkpoint, verify_chain
from luutru.organizations import actions
from luutru.test import BaseTestCase


class Sample(StrEnum):
    STEP = "test.step"
    VISIBLE = "test.visible"
    BULK = "test.bulk"


class AuditChainTests(BaseTestCase):
    def setUp(self) -> None:
        for n in range(3):
            record(Sample.STEP, actor=self.admin, message=f"Bước {n} — đất đai", data={"n": n})

    def raw(self, sql: str, *params: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def test_an_untouched_chain_verifies(self) -> None:
        report = verify_chain()
        self.assertTrue(report.ok, report.problem)
        self.assertEqual(report.checked, AuditEvent.objects.count())

    def test_each_event_links_to_the_one_before(self) -> None:
        events = list(AuditEvent.objects.order_by("seq"))
        for before, after in itertools.pairwise(events):
            self.assertEqual(after.prev_hash, before.hash)
            self.assertEqual(after.seq, before.seq + 1)

    def test_editing_a_row_by_hand_is_found_at_that_row(self) -> None:
        victim = AuditEvent.objects.order_by("seq")[3]
        self.raw("UPDATE audit_auditevent SET message = %s WHERE id = %s", "Sửa lén", victim.pk)
        report = verify_chain()
        self.assertFalse(report.ok)
        self.assertEqual(report.broken_seq, victim.seq)
        self.assertIn("bị sửa", report.problem)

    def test_deleting_a_middle_row_is_found(self) -> None:
        victim = AuditEvent.objects.order_by("seq")[2]
        self.raw("DELETE FROM audit_auditevent WHERE id = %s", victim.pk)
        report = verify_chain()
        self.assertFalse(report.ok)
        self.assertEqual(report.broken_seq, victim.seq)

    def test_deleting_the_last_row_is_found(self) -> None:
        last = AuditEvent.objects.order_by("-seq").first()
        assert last is not None
        self.raw("DELETE FROM audit_auditevent WHERE id = %s", last.pk)
        report = verify_chain()
        self.assertFalse(report.ok)
        self.assertEqual(report.broken_seq, last.seq)

    def test_a_forged_row_is_found_even_with_a_correct_digest(self) -> None:
        last = AuditEvent.objects.order_by("-seq").first()
        assert last is not None
        forged = AuditEvent(
            seq=last.seq + 1,
            created_at=last.created_at,
            actor_name="ke_gian",
            action="organizations.agency_end",
            message="Giải thể giả mạo",
            prev_hash=last.hash,
        )
        forged.hash = forged.compute_hash()
        forged.save(force_insert=True)  # bypasses record(), as direct SQL would
        report = verify_chain()
        self.assertFalse(report.ok)
        self.assertEqual(report.broken_seq, forged.seq)

    def test_a_forged_row_in_the_middle_is_found(self) -> None:
        self.raw("UPDATE audit_auditevent SET seq = seq + 100 WHERE seq >= 3")
        first = AuditEvent.objects.order_by("seq")[1]
        forged = AuditEvent(
            seq=3, created_at=first.created_at, action="x", message="chèn", prev_hash=first.hash
        )
        forged.hash = forged.compute_hash()
        forged.save(force_insert=True)
        report = verify_chain()
        self.assertFalse(report.ok)

    def test_events_cannot_be_changed_or_deleted_through_the_model(self) -> None:
        event = AuditEvent.objects.first()
        assert event is not None
        event.message = "khác"
        with self.assertRaises(RuntimeError):
            event.save()
        with self.assertRaises(RuntimeError):
            event.delete()

    def test_a_change_that_rolls_back_leaves_no_event(self) -> None:
        before = AuditEvent.objects.count()
        with self.assertRaises(ZeroDivisionError), transaction.atomic():
            actions.create_fonds(
                actor=self.admin, code="H62.900", name="Phông thử", agency=self.agency_b
            )
            1 / 0  # noqa: B018
        self.assertEqual(AuditEvent.objects.count(), before)
        self.assertTrue(verify_chain().ok)

    def test_cli_verify_passes_then_names_the_broken_link(self) -> None:
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        self.assertIn("toàn vẹn", out.getvalue())
        victim = AuditEvent.objects.order_by("seq")[1]
        self.raw("UPDATE audit_auditevent SET actor_name = 'x' WHERE id = %s", victim.pk)
        with self.assertRaisesMessage(CommandError, f"sự kiện số {victim.seq}"):
            call_command("audit", "verify", stdout=StringIO())


class AuditAnchorTests(BaseTestCase):
    """Someone with the database but not the key file cannot rewrite history unseen."""

    def setUp(self) -> None:
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.anchors = folder / "neo"
        self.enterContext(override_settings(AUDIT_CHECKPOINT_DIRS=[self.anchors]))
        for n in range(4):
            record(Sample.STEP, actor=self.admin, message=f"Bước {n}", data={"n": n})

    def rewrite(self, victim: AuditEvent, message: str) -> None:
        """What a database administrator can do: edit a row and recompute every digest after
        it and the recorded head, exactly as record() computes them."""
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET message = %s WHERE id = %s", [message, victim.pk]
            )
        prev = AuditEvent.objects.get(seq=victim.seq - 1).hash if victim.seq > 1 else "0" * 64
        for event in AuditEvent.objects.filter(seq__gte=victim.seq).order_by("seq"):
            event.prev_hash = prev
            prev = event.compute_hash()
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                    [event.prev_hash, prev, event.pk],
                )
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_audithead SET hash = %s", [prev])

    def test_an_untouched_chain_verifies_against_its_anchor(self) -> None:
        checkpoint()
        report = verify_chain()
        self.assertTrue(report.ok, report.problem)
        self.assertEqual(report.checkpoints, 1)
        self.login(self.admin)
        page = self.client.get("/quan-tri/nhat-ky/kiem-tra/")
        self.assertContains(page, "đã đối chiếu 1 điểm neo")

    def test_a_rewrite_with_every_digest_recomputed_is_found_at_the_rewritten_event(
        self,
    ) -> None:
        victim = AuditEvent.objects.order_by("seq")[2]
        self.rewrite(victim, "Sửa lén rồi tính lại mọi mã băm")
        report = verify_chain()
        self.assertFalse(report.ok)
        self.assertEqual(report.broken_seq, victim.seq)
        self.assertIn(f"Sự kiện số {victim.seq} đã bị viết lại", report.problem)
        with self.assertRaisesMessage(CommandError, f"tại sự kiện số {victim.seq}"):
            call_command("audit", "verify", stdout=StringIO())

    def test_deleting_the_newest_events_after_a_checkpoint_is_found(self) -> None:
        point = checkpoint()
        last = AuditEvent.objects.order_by("-seq").first()
        assert last is not None
        previous = AuditEvent.objects.get(seq=last.seq - 1)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
            cursor.execute(
                "UPDATE audit_audithead SET seq = %s, hash = %s", [previous.seq, previous.hash]
            )
        report = verify_chain()
        self.assertFalse(report.ok)
        self.assertEqual(report.broken_seq, point.seq)
        self.assertIn("đã bị xóa", report.problem)

    def test_a_checkpoint_copied_beside_a_backup_is_checked_too(self) -> None:
        backups = self.anchors.parent / "saoluu"
        out = StringIO()
        call_command("audit", "checkpoint", "--out", str(backups), stdout=out)
        self.assertIn("Đã ghi điểm neo", out.getvalue())
        (self.anchors / anchor.CHECKPOINT_FILE).unlink()  # only the backup's copy is left
        line = json.loads((backups / anchor.CHECKPOINT_FILE).read_text())
        self.assertEqual(line["seq"], AuditEvent.objects.count())
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [line["seq"]])
            cursor.execute("UPDATE audit_audithead SET seq = seq - 1")
        out = StringIO()
        with self.assertRaises(SystemExit):
            call_command("audit", "verify", "--json", "--checkpoints", str(backups), stdout=out)
        self.assertEqual(json.loads(out.getvalue())["broken_seq"], line["seq"])

    def test_a_forged_checkpoint_is_refused(self) -> None:
        checkpoint()
        path = self.anchors / anchor.CHECKPOINT_FILE
        forged = json.loads(path.read_text())
        forged["seq"] += 100
        path.write_text(json.dumps(forged) + "\n")
        report = verify_chain()
        self.assertFalse(report.ok)
        self.assertIn("chữ ký không khớp khóa neo", report.problem)

    def test_no_checkpoint_is_signed_over_a_rewritten_chain(self) -> None:
        self.rewrite(AuditEvent.objects.order_by("seq")[1], "Sửa lén")
        with self.assertRaisesMessage(CommandError, "Không ghi điểm neo"):
            call_command("audit", "checkpoint", stdout=StringIO())

    def test_the_key_is_private_and_its_loss_is_reported(self) -> None:
        path = anchor.key_path()
        self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)
        with override_settings(AUDIT_KEY_FILE=self.anchors.parent / "khong-co.key"):
            report = verify_chain()
        self.assertFalse(report.ok)
        self.assertEqual(report.broken_seq, 1)
        self.assertIn("Không tìm thấy khóa neo nhật ký", report.problem)


class AuditBrowsingTests(BaseTestCase):
    def test_administrators_browse_and_filter_events(self) -> None:
        record(Sample.VISIBLE, actor=self.admin, message="Sự kiện cần tìm: hồ sơ đất đai")
        self.login(self.admin)
        page = self.client.get("/quan-tri/nhat-ky/")
        self.assertContains(page, "Sự kiện cần tìm")
        filtered = self.client.get("/quan-tri/nhat-ky/", {"q": "không có gì như vậy"})
        self.assertNotContains(filtered, "Sự kiện cần tìm")
        by_action = self.client.get("/quan-tri/nhat-ky/", {"action": "test.visible"})
        self.assertContains(by_action, "Sự kiện cần tìm")
        self.assertContains(by_action, "1 sự kiện")

    def test_htmx_filtering_returns_only_the_results_partial(self) -> None:
        self.login(self.admin)
        page = self.client.get("/quan-tri/nhat-ky/", {"q": "Phông"}, HTTP_HX_REQUEST="true")
        self.assertContains(page, 'id="results"')
        self.assertNotContains(page, "<html")

    def test_the_list_needs_few_queries_however_many_events(self) -> None:
        for n in range(60):
            record(Sample.BULK, actor=self.admin, message=f"Sự kiện {n}")
        self.login(self.admin)
        with self.assertNumQueries(7):
            self.client.get("/quan-tri/nhat-ky/")

    def test_chain_status_page_shows_the_verdict(self) -> None:
        self.login(self.admin)
        self.assertContains(self.client.get("/quan-tri/nhat-ky/kiem-tra/"), "toàn vẹn")

    def test_only_administrators_and_the_head_may_browse(self) -> None:
        for user in (self.archivist, self.clerk_a, self.kpi, self.reader):
            self.login(user)
            self.assertEqual(self.client.get("/quan-tri/nhat-ky/").status_code, 403, user)
            self.assertEqual(self.client.get("/quan-tri/nhat-ky/kiem-tra/").status_code, 403)
        self.login(None)
        response = self.client.get("/quan-tri/nhat-ky/")
        self.assertRedirects(response, "/tai-khoan/dang-nhap/?next=/quan-tri/nhat-ky/")
