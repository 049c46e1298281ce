"""The retention pages: who may see and do what, the round worked through its pages, and its
papers as PDF and Excel."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone
from openpyxl import load_workbook

from luutru.access.workdays import add_working_days
from luutru.accounts.models import Role, User
from luutru.records.models import Dossier
from luutru.records.tests.factory import make_dossier
from luutru.retention import actions
from luutru.retention.models import (
    Appraisal,
    AppraisalState,
    HistoricalTransfer,
    HoldKind,
    MemberRole,
    Opinion,
    Secrecy,
    TransferState,
)
from luutru.retention.tests.helpers import YEAR, RetentionTestCase
from luutru.test import make_user

PAGES = [
    "/quan-tri/luu-giu/",
    "/quan-tri/luu-giu/den-han/",
    "/quan-tri/luu-giu/tam-dung/",
    "/quan-tri/luu-giu/da-huy/",
    "/quan-tri/luu-giu/bang-thoi-han/",
    "/quan-tri/luu-giu/nop-luu-lich-su/",
    "/quan-tri/luu-giu/do-mat/",
]


class PageAccessTests(RetentionTestCase):
    def test_staff_with_the_permission_see_every_page(self) -> None:
        for user in (self.archivist, self.head, self.council, self.admin):
            self.login(user)
            for url in PAGES:
                self.assertEqual(self.client.get(url).status_code, 200, (user, url))

    def test_readers_clerks_and_visitors_do_not(self) -> None:
        for user in (self.reader, self.clerk_a):
            self.login(user)
            for url in PAGES:
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))
        self.client.logout()
        self.assertEqual(self.client.get(PAGES[0]).status_code, 302)

    def test_the_dashboard_shows_what_is_due_and_the_lapsed_decision(self) -> None:
        self.expired_dossier(1)
        appraisal = self.decided_round()
        Appraisal.objects.filter(pk=appraisal.pk).update(destroy_by=datetime.date(YEAR - 1, 1, 1))
        self.login(self.archivist)
        page = self.client.get("/quan-tri/luu-giu/").content.decode()
        self.assertIn("Quyết định hủy quá hạn 15 ngày", page)
        self.assertIn('<span class="error">1</span>', page)
        detail = self.client.get(f"/quan-tri/luu-giu/xet-huy/{appraisal.pk}/").content.decode()
        self.assertIn("Đã quá hạn: cần quyết định mới.", detail)

    def test_a_round_of_an_agency_outside_the_scope_is_not_found(self) -> None:
        self.expired_dossier(1)
        appraisal = actions.open_appraisal(agency=self.agency_a, year=YEAR, actor=self.archivist)
        other = self.make_outsider()
        self.login(other)
        self.assertEqual(
            self.client.get(f"/quan-tri/luu-giu/xet-huy/{appraisal.pk}/").status_code, 404
        )

    def make_outsider(self) -> User:
        return make_user("luutruvien_b", Role.ARCHIVIST, self.agency_b)


class RoundThroughPagesTests(RetentionTestCase):
    def test_a_round_is_worked_through_its_pages(self) -> None:
        dossier = self.expired_dossier(1)
        self.login(self.archivist)
        response = self.client.post(
            "/quan-tri/luu-giu/xet-huy/lap/", {"agency": self.agency_a.code, "year": YEAR}
        )
        appraisal = Appraisal.objects.get()
        base = f"/quan-tri/luu-giu/xet-huy/{appraisal.pk}/"
        self.assertRedirects(response, base)
        page = self.client.get(base).content.decode()
        self.assertIn(dossier.title, page)
        self.assertIn("bao-cao.pdf", page)  # a sample of its files, linked
        self.client.post(
            base + "thanh-vien/", {"username": self.council.username, "role": MemberRole.MEMBER}
        )
        item = appraisal.items.get()
        self.login(self.council)
        self.client.post(base + "y-kien/", {"item": item.pk, "opinion": Opinion.DESTROY})
        response = self.client.post(
            base + "y-kien/", {"item": item.pk, "opinion": Opinion.KEEP}, follow=True
        )
        self.assertContains(response, "mỗi thành viên chỉ một lần")
        self.assertEqual(item.votes.count(), 1)
        self.login(self.archivist)
        self.client.post(
            base + "hop/",
            {"met_on": f"{YEAR}-03-02", "minutes": "Biên bản", "explanatory_note": "Thuyết minh"},
        )
        response = self.client.post(base + "quyet-dinh/", {"number": "9/QĐ"})
        self.assertEqual(response.status_code, 403)  # an archivist does not decide
        self.login(self.head)
        self.client.post(base + "quyet-dinh/", {"number": "9/QĐ-STC"})
        self.login(self.archivist)
        self.client.post(base + "huy/")
        appraisal.refresh_from_db()
        self.assertEqual(appraisal.state, AppraisalState.DESTROYED)
        self.assertFalse(Dossier.objects.filter(pk=dossier.pk).exists())
        self.assertContains(self.client.get("/quan-tri/luu-giu/da-huy/"), dossier.code)
        for slug in ("danh-muc", "bien-ban-hop", "quyet-dinh", "bien-ban-huy"):
            pdf = self.client.get(f"{base}{slug}.pdf")
            self.assertEqual(pdf["Content-Type"], "application/pdf")
            self.assertTrue(pdf.content.startswith(b"%PDF"))
            xlsx = self.client.get(f"{base}{slug}.xlsx")
            sheet = load_workbook(io.BytesIO(xlsx.content)).active
            cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
            self.assertIn(dossier.code, cells, slug)

    def test_a_refused_destruction_shows_why(self) -> None:
        dossier = self.expired_dossier(1)
        appraisal = self.decided_round()
        actions.place_hold(
            kind=HoldKind.INSPECTION, reason="Thanh tra", dossier=dossier, actor=self.archivist
        )
        self.login(self.archivist)
        response = self.client.post(f"/quan-tri/luu-giu/xet-huy/{appraisal.pk}/huy/", follow=True)
        self.assertContains(response, "đang bị tạm dừng hủy")
        self.assertTrue(Dossier.objects.filter(pk=dossier.pk).exists())

    def test_a_clerk_cannot_place_a_hold_or_destroy(self) -> None:
        self.expired_dossier(1)
        appraisal = self.decided_round()
        self.login(self.council)
        self.assertEqual(
            self.client.post(f"/quan-tri/luu-giu/xet-huy/{appraisal.pk}/huy/").status_code, 403
        )
        self.assertEqual(self.client.post("/quan-tri/luu-giu/tam-dung/", {}).status_code, 403)


class TransferPagesTests(RetentionTestCase):
    def test_a_transfer_is_planned_registered_answered_and_received(self) -> None:
        make_dossier(
            self.agency_a,
            1,
            code="H62.2015.01",
            retention="01",
            start_date=datetime.date(2015, 1, 1),
            end_date=datetime.date(2015, 6, 1),
        )
        # The agency's current archive plans and registers; the historical archive answers.
        self.login(make_user("luutru_a", Role.ARCHIVIST, self.agency_a))
        base = "/quan-tri/luu-giu/nop-luu-lich-su/"
        self.assertContains(self.client.get(base + "?nam=2026"), "H62.2015.01")
        self.client.post(base + "lap/", {"agency": self.agency_a.code, "year": 2026})
        transfer = HistoricalTransfer.objects.get()
        self.assertEqual([d.code for d in transfer.dossiers.all()], ["H62.2015.01"])
        self.client.post(f"{base}{transfer.pk}/", {"step": "submit"})
        page = self.client.get(base).content.decode()
        self.assertIn(f"{add_working_days(timezone.localdate(), 7):%d/%m/%Y}", page)
        self.login(self.archivist)
        self.client.post(f"{base}{transfer.pk}/", {"step": "reply", "accept": "1", "reply": ""})
        self.client.post(f"{base}{transfer.pk}/", {"step": "receive"})
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.RECEIVED)

    def test_a_council_member_cannot_work_a_transfer(self) -> None:
        self.login(self.council)
        response = self.client.post(
            "/quan-tri/luu-giu/nop-luu-lich-su/lap/", {"agency": self.agency_a.code, "year": 2026}
        )
        self.assertEqual(response.status_code, 403)


class SecrecyPagesTests(RetentionTestCase):
    def test_a_head_classifies_then_declassifies_from_the_page(self) -> None:
        dossier = make_dossier(self.agency_a, 1, access_regime="03")
        self.login(self.head)
        url = "/quan-tri/luu-giu/do-mat/"
        self.client.post(
            url, {"dossier": dossier.code, "level": "mat", "classified_on": "2015-04-01"}
        )
        secrecy = Secrecy.objects.get(dossier=dossier)
        self.assertEqual(secrecy.review_on, datetime.date(2025, 4, 1))
        self.assertContains(self.client.get(url), "01/04/2025")
        self.client.post(
            f"{url}{secrecy.pk}/quyet-dinh/",
            {"outcome": "declassify", "reason": "Hết thời hạn bảo vệ", "new_regime": "02"},
        )
        dossier.refresh_from_db()
        self.assertEqual(dossier.access_regime, "02")

    def test_an_archivist_does_not_decide_on_secrecy(self) -> None:
        dossier = make_dossier(self.agency_a, 1, access_regime="03")
        self.login(self.archivist)
        response = self.client.post(
            "/quan-tri/luu-giu/do-mat/",
            {"dossier": dossier.code, "level": "mat", "classified_on": "2015-04-01"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Secrecy.objects.exists())
