"""Agencies: identifiers, the tree, and the 2025 reform's merges and splits."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from luutru.audit.models import AuditEvent
from luutru.organizations import actions
from luutru.organizations.models import Agency, EndReason, Fonds, Succession
from luutru.test import BaseTestCase, make_agency

DAY = datetime.date(2025, 7, 1)


class AgencyIdentifierTests(BaseTestCase):
    def test_it_accepts_a_well_formed_code_and_normalises_case_and_spaces(self) -> None:
        agency = make_agency(" 000.00.12.h62 ", "Sở Khoa học và Công nghệ", self.province)
        self.assertEqual(agency.code, "000.00.12.H62")

    def test_it_rejects_malformed_codes_with_a_vietnamese_message(self) -> None:
        for bad in ("000.00.12", "000.00.12.H6", "0000.0.12.H62", "000-00-12-H62", "000.00.12.620"):
            with self.subTest(code=bad), self.assertRaises(ValidationError) as caught:
                make_agency(bad, "Sở lỗi", self.province)
            self.assertIn("không đúng dạng NNN.NN.NN.XNN", str(caught.exception.messages))

    def test_a_unit_takes_its_code_under_its_parents_level_one_unit(self) -> None:
        """QĐ 20/2020/QĐ-TTg (mã định danh điện tử): a unit under UBND tỉnh H62 carries H62 as
        its level-1 group and a lower-level code than its parent."""
        for bad in ("000.00.12.H30", "000.00.00.H62"):
            with self.subTest(code=bad), self.assertRaises(ValidationError) as caught:
                make_agency(bad, "Sở đặt sai chỗ", self.agency_a)
            self.assertIn("QĐ 20/2020/QĐ-TTg", str(caught.exception.message_dict["code"]))
        self.assertEqual(make_agency("000.01.03.H62", "Phòng", self.agency_a).parent, self.agency_a)

    def test_a_code_changed_out_of_its_parents_unit_is_refused(self) -> None:
        """QĐ 20/2020/QĐ-TTg: the same rule holds when a code is corrected later."""
        with self.assertRaises(ValidationError) as caught:
            actions.update_agency(self.agency_a, code="000.00.03.H30", actor=None)
        self.assertIn("H62", str(caught.exception.message_dict["code"]))

    def test_it_rejects_a_duplicate_code_and_writes_nothing(self) -> None:
        agencies, events = Agency.objects.count(), AuditEvent.objects.count()
        with self.assertRaises(ValidationError) as caught:
            make_agency("000.00.03.H62", "Sở trùng mã", self.province)
        self.assertIn("đã được dùng", str(caught.exception.messages))
        self.assertEqual(Agency.objects.count(), agencies)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_creating_an_agency_is_audited_with_its_details(self) -> None:
        agency = make_agency("000.00.12.H62", "Sở Khoa học và Công nghệ", self.province)
        event = AuditEvent.objects.for_object("organizations.agency", str(agency.pk)).get()
        self.assertEqual(event.action, "organizations.agency_create")
        self.assertEqual(event.data["code"], "000.00.12.H62")


class AgencyTreeTests(BaseTestCase):
    def test_a_parent_cannot_become_its_own_descendant(self) -> None:
        child = make_agency("000.01.03.H62", "Phòng thuộc Sở Tài chính", self.agency_a)
        grandchild = make_agency("000.02.03.H62", "Tổ thuộc phòng", child)
        for new_parent in (self.agency_a, child, grandchild):
            with self.subTest(parent=new_parent.code), self.assertRaises(ValidationError) as c:
                actions.update_agency(self.agency_a, parent=new_parent, actor=self.admin)
            self.assertIn("vòng lặp", str(c.exception.message_dict["parent"]))
        self.agency_a.refresh_from_db()
        self.assertEqual(self.agency_a.parent_id, self.province.pk)

    def test_moving_an_agency_records_what_changed(self) -> None:
        actions.update_agency(self.agency_b, parent=self.agency_a, actor=self.admin)
        event = AuditEvent.objects.filter(action="organizations.agency_update").newest_first()[0]
        self.assertEqual(event.data["changes"]["parent"], [self.province.pk, self.agency_a.pk])
        self.assertEqual(event.actor_name, self.admin.username)

    def test_a_new_agency_cannot_sit_under_an_ended_one(self) -> None:
        actions.end_agency(self.agency_b, on=DAY, reason=EndReason.DISSOLVED, actor=self.admin)
        with self.assertRaises(ValidationError) as caught:
            make_agency("000.01.04.H62", "Phòng mới", self.agency_b)
        self.assertIn("đã ngừng hoạt động", str(caught.exception.message_dict["parent"]))


class EndingAgenciesTests(BaseTestCase):
    def test_a_merger_hands_over_to_the_successor_and_closes_the_fonds(self) -> None:
        merged = make_agency("000.00.11.H62", "Sở Tài chính và Kế hoạch", self.province)
        actions.end_agency(
            self.agency_a,
            on=DAY,
            reason=EndReason.MERGED,
            successors=[merged],
            legal_basis="Quyết định số 215/QĐ-UBND",
            actor=self.admin,
        )
        self.agency_a.refresh_from_db()
        self.assertEqual(self.agency_a.valid_until, DAY)
        self.assertFalse(self.agency_a.is_active(DAY))
        self.assertTrue(self.agency_a.is_active(DAY - datetime.timedelta(days=1)))
        self.assertEqual(Succession.objects.get(predecessor=self.agency_a).successor, merged)
        fonds = Fonds.objects.get(pk=self.fonds_a.pk)
        self.assertFalse(fonds.is_open)
        self.assertEqual(fonds.end_year, 2025)
        self.assertNotIn(self.agency_a, Agency.objects.active(DAY))

    def test_a_successor_that_has_itself_ended_is_refused(self) -> None:
        actions.end_agency(self.agency_b, on=DAY, reason=EndReason.DISSOLVED, actor=self.admin)
        events = AuditEvent.objects.count()
        with self.assertRaises(ValidationError) as caught:
            actions.end_agency(
                self.agency_a,
                on=DAY,
                reason=EndReason.MERGED,
                successors=[self.agency_b],
                actor=self.admin,
            )
        self.assertIn("Sở Xây dựng", str(caught.exception.message_dict["successors"]))
        self.agency_a.refresh_from_db()
        self.assertIsNone(self.agency_a.valid_until)
        self.assertTrue(Fonds.objects.get(pk=self.fonds_a.pk).is_open)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_a_merger_needs_a_successor_and_a_split_needs_two(self) -> None:
        with self.assertRaises(ValidationError):
            actions.end_agency(self.agency_a, on=DAY, reason=EndReason.MERGED, actor=self.admin)
        with self.assertRaises(ValidationError) as caught:
            actions.end_agency(
                self.agency_a,
                on=DAY,
                reason=EndReason.SPLIT,
                successors=[self.agency_b],
                actor=self.admin,
            )
        self.assertIn("ít nhất hai", str(caught.exception.message_dict["successors"]))

    def test_an_agency_cannot_succeed_itself(self) -> None:
        with self.assertRaises(ValidationError):
            actions.end_agency(
                self.agency_a,
                on=DAY,
                reason=EndReason.MERGED,
                successors=[self.agency_a],
                actor=self.admin,
            )

    def test_an_agency_with_active_subordinates_cannot_end(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            actions.end_agency(self.province, on=DAY, reason=EndReason.DISSOLVED, actor=self.admin)
        self.assertIn("cơ quan trực thuộc đang hoạt động", str(caught.exception.messages))

    def test_an_agency_cannot_end_twice(self) -> None:
        actions.end_agency(self.agency_b, on=DAY, reason=EndReason.DISSOLVED, actor=self.admin)
        with self.assertRaises(ValidationError):
            actions.end_agency(self.agency_b, on=DAY, reason=EndReason.DISSOLVED, actor=self.admin)
