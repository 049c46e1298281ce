"""File plans (danh mục hồ sơ): who may keep them, their rules, and files due for transfer."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.test import SimpleTestCase
from django.utils import timezone

from luutru.audit.models import AuditEvent
from luutru.records import codes
from luutru.records.models import FilePlan, FilePlanEntry
from luutru.records.services import due_date, entries_due
from luutru.records.tests.factory import make_dossier, make_entry, make_plan
from luutru.test import BaseTestCase

LOGIN = "/tai-khoan/dang-nhap/"


class FilePlanTestCase(BaseTestCase):
    plan: ClassVar[FilePlan]
    entry: ClassVar[FilePlanEntry]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(cls.agency_a, 2024, title="Danh mục hồ sơ Sở Tài chính năm 2024")
        cls.entry = make_entry(cls.plan, "01", title="Hồ sơ dự toán ngân sách năm 2024")

    def viewing(self) -> list[str]:
        return [
            "/quan-tri/danh-muc-ho-so/",
            f"/quan-tri/danh-muc-ho-so/{self.plan.pk}/",
            "/quan-tri/ho-so/den-han-nop-luu/",
        ]

    def changing(self) -> list[str]:
        return [
            "/quan-tri/danh-muc-ho-so/them/",
            f"/quan-tri/danh-muc-ho-so/{self.plan.pk}/them-ho-so/",
            f"/quan-tri/danh-muc-ho-so/{self.plan.pk}/ho-so/{self.entry.pk}/sua/",
        ]


class AccessTests(FilePlanTestCase):
    def test_anonymous_visitors_are_sent_to_the_login_page(self) -> None:
        for url in self.viewing() + self.changing():
            self.assertRedirects(self.client.get(url), f"{LOGIN}?next={url}", msg_prefix=url)

    def test_readers_are_refused(self) -> None:
        self.login(self.reader)
        for url in self.viewing() + self.changing():
            self.assertEqual(self.client.get(url).status_code, 403, url)

    def test_leaders_council_and_kpi_viewers_may_look_but_not_change(self) -> None:
        for user in (self.head, self.council, self.kpi):
            self.login(user)
            for url in self.viewing():
                self.assertEqual(self.client.get(url).status_code, 200, (user, url))
            for url in self.changing():
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))
                self.assertEqual(self.client.post(url, {}).status_code, 403, (user, url))

    def test_clerks_archivists_and_administrators_may_change_plans_in_their_scope(self) -> None:
        for user in (self.clerk_a, self.archivist, self.admin):
            self.login(user)
            for url in self.viewing() + self.changing():
                self.assertEqual(self.client.get(url).status_code, 200, (user, url))

    def test_a_clerk_of_another_agency_does_not_find_the_plan(self) -> None:
        self.login(self.clerk_b)
        self.assertNotContains(self.client.get("/quan-tri/danh-muc-ho-so/"), "năm 2024")
        for url in self.viewing()[1:2] + self.changing()[1:]:
            self.assertEqual(self.client.get(url).status_code, 404, url)
            self.assertEqual(self.client.post(url, {}).status_code, 404, url)

    def test_an_entry_of_another_plan_is_not_found_under_this_one(self) -> None:
        other = make_entry(make_plan(self.agency_a, 2025), "01")
        self.login(self.clerk_a)
        url = f"/quan-tri/danh-muc-ho-so/{self.plan.pk}/ho-so/{other.pk}/sua/"
        self.assertEqual(self.client.get(url).status_code, 404)


class FilePlanPageTests(FilePlanTestCase):
    def test_a_clerk_opens_a_plan_for_the_next_year(self) -> None:
        self.login(self.clerk_a)
        response = self.client.post(
            "/quan-tri/danh-muc-ho-so/them/",
            {"agency": self.agency_a.pk, "year": 2025, "title": "Danh mục năm 2025"},
        )
        plan = FilePlan.objects.get(agency=self.agency_a, year=2025)
        self.assertRedirects(response, f"/quan-tri/danh-muc-ho-so/{plan.pk}/")
        event = AuditEvent.objects.for_object("records.fileplan", str(plan.pk)).get()
        self.assertEqual(
            (event.action, event.actor_id), ("records.file_plan_create", self.clerk_a.pk)
        )

    def test_a_second_plan_for_the_same_year_is_refused_in_vietnamese(self) -> None:
        self.login(self.clerk_a)
        response = self.client.post(
            "/quan-tri/danh-muc-ho-so/them/", {"agency": self.agency_a.pk, "year": 2024}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Sở Tài chính đã có danh mục hồ sơ năm 2024")
        self.assertEqual(FilePlan.objects.filter(agency=self.agency_a).count(), 1)

    def test_a_clerk_cannot_open_a_plan_for_an_agency_outside_their_scope(self) -> None:
        self.login(self.clerk_a)
        response = self.client.post(
            "/quan-tri/danh-muc-ho-so/them/", {"agency": self.agency_b.pk, "year": 2024}
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(FilePlan.objects.filter(agency=self.agency_b).exists())

    def test_an_entry_is_added_with_its_retention_code_and_shown_with_its_label(self) -> None:
        self.login(self.clerk_a)
        response = self.client.post(
            f"/quan-tri/danh-muc-ho-so/{self.plan.pk}/them-ho-so/",
            {
                "notation": " 02 ",
                "title": "Hồ sơ quyết toán ngân sách",
                "retention": "01",
                "responsible": "Nguyễn Thị Lan",
                "closed_on": "2024-12-20",
            },
        )
        self.assertRedirects(response, f"/quan-tri/danh-muc-ho-so/{self.plan.pk}/")
        entry = self.plan.entries.get(notation="02")
        self.assertEqual(entry.closed_on, datetime.date(2024, 12, 20))
        page = self.client.get(f"/quan-tri/danh-muc-ho-so/{self.plan.pk}/")
        self.assertContains(page, "01 — Vĩnh viễn")
        self.assertContains(page, "20/12/2025")  # due: one year after the work ended
        self.assertTrue(
            AuditEvent.objects.filter(action="records.plan_entry_add", object_id=str(entry.pk))
        )

    def test_a_notation_used_twice_in_a_plan_is_refused(self) -> None:
        self.login(self.clerk_a)
        response = self.client.post(
            f"/quan-tri/danh-muc-ho-so/{self.plan.pk}/them-ho-so/",
            {"notation": "01", "title": "Trùng số", "retention": "06"},
        )
        self.assertContains(response, "Danh mục đã có hồ sơ số “01”.")
        self.assertEqual(self.plan.entries.count(), 1)

    def test_a_retention_outside_the_code_list_is_refused(self) -> None:
        self.login(self.clerk_a)
        response = self.client.post(
            f"/quan-tri/danh-muc-ho-so/{self.plan.pk}/them-ho-so/",
            {"notation": "03", "title": "Hồ sơ", "retention": "99"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.plan.entries.filter(notation="03").exists())

    def test_editing_an_entry_records_what_changed(self) -> None:
        self.login(self.archivist)
        response = self.client.post(
            f"/quan-tri/danh-muc-ho-so/{self.plan.pk}/ho-so/{self.entry.pk}/sua/",
            {
                "notation": "01",
                "title": self.entry.title,
                "retention": "04",
                "closed_on": "2024-06-30",
            },
        )
        self.assertRedirects(response, f"/quan-tri/danh-muc-ho-so/{self.plan.pk}/")
        self.entry.refresh_from_db()
        self.assertEqual(
            (self.entry.retention, self.entry.closed_on), ("04", datetime.date(2024, 6, 30))
        )
        event = AuditEvent.objects.get(action="records.plan_entry_change")
        self.assertEqual(set(event.data), {"retention", "closed_on"})

    def test_the_edit_form_starts_from_the_current_values(self) -> None:
        self.login(self.archivist)
        page = self.client.get(
            f"/quan-tri/danh-muc-ho-so/{self.plan.pk}/ho-so/{self.entry.pk}/sua/"
        )
        self.assertContains(page, "Hồ sơ dự toán ngân sách năm 2024")
        self.assertContains(page, '<option value="06" selected>06 — 10 năm</option>', html=True)

    def test_the_list_is_built_in_a_fixed_number_of_queries(self) -> None:
        for year in range(2000, 2020):
            make_entry(make_plan(self.agency_a, year), "01")
        self.login(self.archivist)
        with self.assertNumQueries(10):
            page = self.client.get("/quan-tri/danh-muc-ho-so/")
        self.assertContains(page, "<td>Sở Tài chính</td>", count=21)


class DueDateTests(SimpleTestCase):
    def test_a_closed_file_is_due_one_year_after_its_work_ended(self) -> None:
        self.assertEqual(due_date(datetime.date(2024, 3, 15), 2024), datetime.date(2025, 3, 15))

    def test_a_file_closed_on_a_leap_day_is_due_on_the_last_day_of_february(self) -> None:
        self.assertEqual(due_date(datetime.date(2024, 2, 29), 2024), datetime.date(2025, 2, 28))

    def test_a_file_not_yet_closed_is_due_at_the_end_of_the_year_after_its_plan(self) -> None:
        self.assertEqual(due_date(None, 2024), datetime.date(2025, 12, 31))

    def test_the_closing_date_wins_over_the_plan_year(self) -> None:
        # Work planned for 2023 that dragged into 2024 is due a year after it ended.
        self.assertEqual(due_date(datetime.date(2024, 5, 2), 2023), datetime.date(2025, 5, 2))


class EntriesDueTests(BaseTestCase):
    today = datetime.date(2025, 6, 1)

    def due(self) -> list[tuple[str, datetime.date, bool]]:
        found = entries_due(self.agency_a.__class__.objects.all(), self.today)
        return [(d.entry.notation, d.due, d.overdue) for d in found]

    def test_it_lists_files_due_within_thirty_days_or_overdue_soonest_first(self) -> None:
        plan = make_plan(self.agency_a, 2024)
        make_entry(plan, "A", datetime.date(2024, 7, 1))  # due 1/7/2025: in 30 days
        make_entry(plan, "B", datetime.date(2024, 7, 2))  # due 2/7/2025: 31 days, not yet
        make_entry(plan, "C", datetime.date(2024, 5, 1))  # due 1/5/2025: overdue
        make_entry(plan, "D", datetime.date(2024, 6, 1))  # due today
        make_entry(make_plan(self.agency_a, 2023), "E")  # open, due 31/12/2024: overdue
        make_entry(plan, "F")  # open, due 31/12/2025: not yet
        self.assertEqual(
            self.due(),
            [
                ("E", datetime.date(2024, 12, 31), True),
                ("C", datetime.date(2025, 5, 1), True),
                ("D", datetime.date(2025, 6, 1), False),
                ("A", datetime.date(2025, 7, 1), False),
            ],
        )

    def test_files_that_already_have_a_dossier_are_not_due(self) -> None:
        entry = make_entry(make_plan(self.agency_a, 2023), "01")
        make_dossier(self.agency_a, 1, plan_entry=entry)
        self.assertEqual(self.due(), [])

    def test_only_agencies_given_are_considered(self) -> None:
        make_entry(make_plan(self.agency_b, 2023), "01")
        found = entries_due(self.agency_a.__class__.objects.filter(pk=self.agency_a.pk), self.today)
        self.assertEqual(found, [])


class DuePageTests(BaseTestCase):
    def test_the_page_flags_overdue_files_and_shows_the_soonest_first(self) -> None:
        today = timezone.localdate()
        plan = make_plan(self.agency_a, today.year - 1)
        make_entry(
            plan, "SAP", today - datetime.timedelta(days=360), title="Hồ sơ sắp đến hạn"
        )  # due in about 5 days
        make_entry(
            plan, "QUA", today - datetime.timedelta(days=400), title="Hồ sơ đã quá hạn"
        )  # overdue by about 35 days
        make_entry(make_plan(self.agency_b, today.year - 3), "KHAC", title="Hồ sơ Sở Xây dựng")
        self.login(self.clerk_a)
        # The code lists are cached per process; a flush by another test empties the cache.
        codes.entries("retention")
        with self.assertNumQueries(9):
            page = self.client.get("/quan-tri/ho-so/den-han-nop-luu/")
        html = page.content.decode()
        self.assertLess(html.index("Hồ sơ đã quá hạn"), html.index("Hồ sơ sắp đến hạn"))
        self.assertContains(page, "1 hồ sơ đã quá hạn nộp lưu.")
        self.assertContains(page, 'class="overdue"', count=1)
        self.assertNotContains(page, "Hồ sơ Sở Xây dựng")
