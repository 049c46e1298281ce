"""`luutru kpi --json` against counts made independently here, and the cases with nothing to
divide by: a future year, an agency without records, an empty year."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal
from typing import Any, ClassVar

from django.core.management import CommandError, call_command
from django.utils import timezone

from luutru.accounts.models import Role
from luutru.organizations import actions as org_actions
from luutru.records.models import Document, Dossier
from luutru.records.tests.factory import make_document, make_dossier
from luutru.reports import actions
from luutru.reports.tests.factory import dated, make_request, make_transfer, moment
from luutru.test import BaseTestCase, make_agency, make_user

REQUIRED = {
    "born_digital_share",
    "digitized_share",
    "online_transfer_share",
    "online_use_share",
    "agencies_in_system_share",
    "trained_staff_share",
}


def kpi(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("kpi", *args, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def by_key(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["key"]: i for i in result["indicators"]}


class KpiTests(BaseTestCase):
    year: ClassVar[int]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.year = timezone.localdate().year - 1
        at = moment(cls.year)
        cls.agency_b = org_actions.update_agency(cls.agency_b, transfers_to=cls.archive, actor=None)
        # Agency A: a born-digital dossier, a digitized paper one, a paper one not yet scanned.
        born = make_dossier(cls.agency_a, 1, reliability="01")
        scanned = make_dossier(cls.agency_a, 2, reliability="02", paper_code="GIAY.01")
        paper = make_dossier(cls.agency_a, 3, reliability="", paper_code="GIAY.02")
        for n in (1, 2, 3):
            make_document(cls.agency_a, born, n, reliability="01", page_count=3)
        make_document(cls.agency_a, scanned, 1, reliability="02", page_count=10)
        # Agency B: documents not born digital, and one still waiting in a received transfer.
        other = make_dossier(cls.agency_b, 1, reliability="")
        make_document(cls.agency_b, other, 1, reliability="")
        make_document(cls.agency_b, other, 2, reliability="")
        make_document(cls.agency_b, other, 3, reliability="01", custody="received")
        for row in [*Dossier.objects.all(), *Document.objects.all()]:
            dated(row, at)
        del paper
        # Transfers: two accepted online for A (a trial run does not count), a rejected one,
        # and B's paper handover recorded by hand.
        make_transfer(cls.agency_a, at)
        make_transfer(cls.agency_a, at)
        make_transfer(cls.agency_a, at, dry_run=True, state="checked")
        make_transfer(cls.agency_b, at, state="rejected")
        actions.record_paper_handover(
            agency=cls.agency_b, received_on=at.date(), dossiers=40, boxes=4,
            shelf_metres=Decimal("1.5"), actor=None,
        )  # fmt: skip
        # Requests: one served online, one certified copy on paper (late), three in the room.
        make_request(cls.reader, born, at, online=True)
        make_request(cls.reader, other, at, online=False, decided_late=True)
        actions.record_reading_room(agency=cls.agency_a, day=at.date(), requests=3, actor=None)
        # Training: the clerk of A completed a course; the clerk of B attended without finishing.
        course = actions.create_course(title="Nghiệp vụ lưu trữ điện tử", actor=None)
        session = actions.create_session(
            course, starts_on=at.date(), ends_on=at.date() + datetime.timedelta(days=2),
            actor=None,
        )  # fmt: skip
        actions.set_attendance(session, cls.clerk_a, completed=True, actor=None)
        actions.set_attendance(session, cls.clerk_b, completed=False, actor=None)

    def test_it_reports_every_required_key_with_its_parts(self) -> None:
        result = kpi("--year", str(self.year))
        self.assertEqual(result["period"], str(self.year))
        self.assertIsNone(result["agency"])
        keys = by_key(result)
        self.assertLessEqual(REQUIRED, set(keys))
        for item in result["indicators"]:
            self.assertEqual(
                set(item), {"key", "label", "value", "numerator", "denominator", "target", "unit"}
            )

    def test_shares_match_counts_made_independently(self) -> None:
        items = by_key(kpi("--year", str(self.year)))
        held_docs = Document.objects.filter(custody="held", created_at__year=self.year)
        born = held_docs.filter(reliability="01").count()
        self.assertEqual((born, held_docs.count()), (3, 6))
        self.assertEqual(items["born_digital_share"]["numerator"], born)
        self.assertEqual(items["born_digital_share"]["denominator"], held_docs.count())
        self.assertEqual(items["born_digital_share"]["value"], 50)
        self.assertEqual(items["born_digital_share"]["target"], 80)
        self.assertEqual(items["digitized_share"]["numerator"], 1)
        self.assertEqual(items["digitized_share"]["denominator"], 2)
        # 2 accepted online transfers over those 2 and 1 paper handover.
        self.assertEqual(items["online_transfer_share"]["numerator"], 2)
        self.assertEqual(items["online_transfer_share"]["denominator"], 3)
        self.assertEqual(items["online_transfer_share"]["value"], 66.7)
        # 1 online of 2 served through the system plus 3 served in the reading room.
        self.assertEqual(items["online_use_share"]["numerator"], 1)
        self.assertEqual(items["online_use_share"]["denominator"], 5)
        self.assertEqual(items["online_use_share"]["value"], 20)
        # A has transferred online; B has not (its transfer was rejected).
        self.assertEqual(items["agencies_in_system_share"]["numerator"], 1)
        self.assertEqual(items["agencies_in_system_share"]["denominator"], 2)
        # Staff in trained roles: archivist, head, clerk A, clerk B; clerk A completed.
        self.assertEqual(items["trained_staff_share"]["numerator"], 1)
        self.assertEqual(items["trained_staff_share"]["denominator"], 4)
        self.assertEqual(items["requests_on_time_share"]["numerator"], 1)
        self.assertEqual(items["requests_on_time_share"]["denominator"], 2)

    def test_holdings_count_only_what_the_archive_holds(self) -> None:
        items = by_key(kpi("--year", str(self.year)))
        self.assertEqual(items["holdings_dossiers"]["value"], Dossier.objects.held().count())
        self.assertEqual(items["holdings_documents"]["value"], 6)
        self.assertEqual(items["holdings_pages"]["value"], 3 * 3 + 10 + 2 * 2)
        self.assertEqual(items["holdings_shelf_metres"]["value"], 1.5)

    def test_an_agency_counts_its_own_subtree_only(self) -> None:
        items = by_key(kpi("--year", str(self.year), "--agency", self.agency_a.code))
        self.assertEqual(items["born_digital_share"]["value"], 75)
        self.assertEqual(items["online_transfer_share"]["denominator"], 2)
        self.assertEqual(items["holdings_dossiers"]["value"], 3)
        province = by_key(kpi("--year", str(self.year), "--agency", self.province.code))
        self.assertEqual(province["holdings_dossiers"]["value"], 4)

    def test_a_future_year_has_no_values(self) -> None:
        result = kpi("--year", str(timezone.localdate().year + 1))
        for item in result["indicators"]:
            self.assertIsNone(item["value"], item["key"])
            self.assertIsNone(item["numerator"], item["key"])

    def test_an_agency_without_records_has_no_shares_and_no_holdings(self) -> None:
        empty = make_agency("000.00.09.H62", "Sở Du lịch", self.province)
        items = by_key(kpi("--year", str(self.year), "--agency", empty.code))
        for key in ("born_digital_share", "digitized_share", "online_transfer_share",
                    "online_use_share", "holdings_dossiers", "holdings_gb"):  # fmt: skip
            self.assertIsNone(items[key]["value"], key)
        self.assertEqual(items["born_digital_share"]["denominator"], 0)

    def test_a_year_before_any_record_is_no_data_not_zero(self) -> None:
        items = by_key(kpi("--year", "2001"))
        self.assertIsNone(items["born_digital_share"]["value"])
        self.assertIsNone(items["online_use_share"]["value"])

    def test_a_trained_clerk_of_another_year_does_not_count_before_it(self) -> None:
        items = by_key(kpi("--year", str(self.year - 1)))
        self.assertEqual(items["trained_staff_share"]["numerator"], 0)
        self.assertEqual(items["trained_staff_share"]["value"], 0)

    def test_bad_year_and_unknown_agency_are_refused_in_vietnamese(self) -> None:
        with self.assertRaisesMessage(CommandError, "Năm không hợp lệ"):
            kpi("--year", "20x6")
        with self.assertRaisesMessage(CommandError, "Không tìm thấy cơ quan"):
            kpi("--agency", "000.00.99.H99")

    def test_the_text_output_says_no_data(self) -> None:
        out = io.StringIO()
        call_command("kpi", "--year", "2001", stdout=out)
        self.assertIn("không có dữ liệu", out.getvalue())

    def test_the_snapshot_agrees_with_the_live_figures(self) -> None:
        from luutru.reports import services

        day = datetime.date(self.year, 12, 31)
        actions.take_snapshot(day)
        period = services.Period.year(self.year)
        stored = services.stored_figures(period, day)
        assert stored is not None
        live = services.figures(period)
        goal = services.targets()
        self.assertEqual(
            [i.as_json() for i in services.summed(period, None, stored, goal)],
            [i.as_json() for i in services.summed(period, None, live, goal)],
        )

    def test_a_new_staff_member_enlarges_the_training_denominator(self) -> None:
        make_user("luutruvien2", Role.ARCHIVIST, self.archive_agency)
        items = by_key(kpi("--year", str(self.year)))
        self.assertEqual(items["trained_staff_share"]["denominator"], 5)
