"""The demo province: what trainees find after `luutru demo`, and that seeding twice is harmless.

These tests seed an empty database rather than use BaseTestCase: the demo's codes and user
names overlap the cast's on purpose (both model the same kind of province).
"""

from __future__ import annotations

from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.test import TestCase

from luutru.accounts.models import Reader, Role, User
from luutru.audit.models import AuditEvent
from luutru.audit.services import verify_chain
from luutru.demo.province import DEMO_PASSWORD, DISTRICTS_END, REFORM_DAY, USERS, seed
from luutru.organizations.models import (
    Agency,
    AgencyKind,
    Archive,
    ArchiveKind,
    EndReason,
    Fonds,
    Membership,
)
from luutru.test import pass_second_factor

LOGIN = "/tai-khoan/dang-nhap/"
STAFF_HOME = "/quan-tri/"
COMMITTEE = "000.00.00.H62"
ARCHIVE_AGENCY = "000.02.01.H62"


def row_counts() -> dict[str, int]:
    """Rows in every table Django knows about, by model label."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


class DemoProvinceTests(TestCase):
    created: int

    @classmethod
    def setUpTestData(cls) -> None:
        cls.created = seed()

    def test_it_creates_the_provincial_council_and_committee_at_the_top(self) -> None:
        council = Agency.objects.get(kind=AgencyKind.PROVINCIAL_COUNCIL)
        committee = Agency.objects.get(kind=AgencyKind.PROVINCIAL_COMMITTEE)
        self.assertIsNone(council.parent)
        self.assertIsNone(committee.parent)
        self.assertEqual(committee.code, COMMITTEE)
        self.assertTrue(council.name.startswith("Hội đồng nhân dân tỉnh"))
        self.assertTrue(committee.name.startswith("Ủy ban nhân dân tỉnh"))

    def test_about_eight_departments_work_under_the_committee(self) -> None:
        departments = Agency.objects.active().filter(kind=AgencyKind.DEPARTMENT)
        self.assertGreaterEqual(departments.count(), 8)
        self.assertLessEqual(departments.count(), 12)
        self.assertEqual({d.parent.code for d in departments if d.parent}, {COMMITTEE})
        names = set(departments.values_list("name", flat=True))
        self.assertLessEqual({"Sở Nội vụ", "Sở Tài chính", "Sở Nông nghiệp và Môi trường"}, names)

    def test_communes_sit_directly_under_the_committee(self) -> None:
        communes = Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE)
        self.assertGreaterEqual(communes.count(), 2)
        self.assertTrue(all(c.parent and c.parent.code == COMMITTEE for c in communes))
        self.assertTrue(all(c.name.startswith("Ủy ban nhân dân") for c in communes))

    def test_every_agency_transfers_to_the_provincial_historical_archive(self) -> None:
        archive = Archive.objects.get(kind=ArchiveKind.HISTORICAL)
        self.assertEqual(archive.agency.code, ARCHIVE_AGENCY)
        others = Agency.objects.exclude(code=ARCHIVE_AGENCY)
        self.assertEqual(others.filter(transfers_to=archive).count(), others.count())

    def test_merged_departments_have_a_successor_and_closed_fonds(self) -> None:
        merged = Agency.objects.filter(end_reason=EndReason.MERGED)
        self.assertEqual(merged.count(), 2)
        successor = Agency.objects.get(name="Sở Nông nghiệp và Môi trường")
        self.assertTrue(successor.is_active())
        for agency in merged:
            self.assertEqual(agency.valid_until, REFORM_DAY)
            self.assertFalse(agency.is_active())
            self.assertEqual([s.successor for s in agency.successions.all()], [successor])
            [fonds] = agency.fonds.all()
            self.assertFalse(fonds.is_open)
            self.assertEqual(fonds.end_year, REFORM_DAY.year)

    def test_the_split_district_has_two_commune_successors_and_a_closed_fonds(self) -> None:
        [district] = Agency.objects.filter(end_reason=EndReason.SPLIT)
        self.assertEqual(district.kind, AgencyKind.DISTRICT)
        self.assertEqual(district.valid_until, DISTRICTS_END)
        successors = [s.successor for s in district.successions.all()]
        self.assertEqual(len(successors), 2)
        for successor in successors:
            self.assertEqual(successor.kind, AgencyKind.COMMUNE_COMMITTEE)
            self.assertTrue(successor.is_active())
        self.assertFalse(district.fonds.get().is_open)

    def test_agencies_in_operation_keep_open_fonds(self) -> None:
        for agency in Agency.objects.active():
            self.assertTrue(agency.fonds.get().is_open, agency)
        self.assertEqual(Fonds.objects.count(), Agency.objects.count())

    def test_there_is_one_user_for_each_role_including_a_reader(self) -> None:
        roles = [m.role for m in Membership.objects.all()]
        self.assertEqual(sorted(roles), sorted(r.value for r in Role if r != Role.READER))
        [reader] = Reader.objects.all()
        self.assertFalse(reader.user.memberships.exists())
        self.assertEqual(User.objects.count(), len(Role))
        self.assertTrue(all(u.full_name for u in User.objects.all()))

    def test_seeding_again_returns_zero_and_adds_no_rows_anywhere(self) -> None:
        self.assertGreater(self.created, 0)
        before = row_counts()
        last_event = AuditEvent.objects.order_by("-seq").first()
        self.assertEqual(seed(), 0)
        self.assertEqual(row_counts(), before)
        self.assertEqual(AuditEvent.objects.order_by("-seq").first(), last_event)

    def test_the_audit_chain_of_the_seeded_database_verifies(self) -> None:
        report = verify_chain()
        self.assertTrue(report.ok, report.problem)
        self.assertEqual(report.checked, AuditEvent.objects.count())
        # Every object the seed counts was made by an action that wrote at least one event.
        self.assertGreaterEqual(report.checked, self.created)

    def test_every_staff_user_logs_in_with_the_demo_password_and_sees_their_name(self) -> None:
        for spec in USERS:
            if spec.role == Role.READER:
                continue
            with self.subTest(spec.username):
                self.client.logout()
                response = self.client.post(
                    LOGIN, {"username": spec.username, "password": DEMO_PASSWORD}
                )
                # Administrators, heads and archivists pass the second factor (accounts/tests).
                pass_second_factor(self.client, User.objects.get(username=spec.username))
                self.assertRedirects(response, STAFF_HOME)
                self.assertContains(self.client.get(STAFF_HOME), spec.full_name)

    def test_the_reader_logs_in_but_has_no_staff_pages_yet(self) -> None:
        [spec] = [u for u in USERS if u.role == Role.READER]
        response = self.client.post(LOGIN, {"username": spec.username, "password": DEMO_PASSWORD})
        self.assertEqual(response.status_code, 302)
        reader = User.objects.get(username=spec.username)
        self.assertEqual(self.client.session.get("_auth_user_id"), str(reader.pk))
        self.assertEqual(self.client.get(STAFF_HOME).status_code, 403)


class DemoCommandTests(TestCase):
    def test_the_demo_command_seeds_and_prints_the_logins(self) -> None:
        out = StringIO()
        call_command("demo", "--no-serve", stdout=out)
        text = out.getvalue()
        self.assertIn("Đã nạp tỉnh mẫu", text)
        self.assertIn(f"mật khẩu chung: {DEMO_PASSWORD}", text)
        for spec in USERS:
            self.assertIn(spec.username, text)
            self.assertIn(spec.full_name, text)
            self.assertIn(str(spec.role.label), text)
        self.assertNotIn("http://127.0.0.1", text)  # --no-serve: no server was started
        self.assertEqual(User.objects.count(), len(USERS))

    def test_running_the_demo_command_twice_changes_nothing(self) -> None:
        call_command("demo", "--no-serve", stdout=StringIO())
        before = row_counts()
        out = StringIO()
        call_command("demo", "--no-serve", stdout=out)
        self.assertIn("Tỉnh mẫu đã có sẵn; không thay đổi gì.", out.getvalue())
        self.assertIn(f"mật khẩu chung: {DEMO_PASSWORD}", out.getvalue())
        self.assertEqual(row_counts(), before)
