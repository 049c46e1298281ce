"""Staff pages for agencies and fonds: who may see and change what, and what they see."""

from __future__ import annotations

import datetime

from luutru.accounts.models import User
from luutru.organizations import actions
from luutru.organizations.models import Agency, EndReason, Fonds
from luutru.test import BaseTestCase

LOGIN = "/tai-khoan/dang-nhap/"


class PageAccessTests(BaseTestCase):
    """Every organizations page, for every member of the cast."""

    def staff(self) -> list[User]:
        return [self.archivist, self.clerk_a, self.clerk_b, self.head, self.council, self.kpi]

    def pages(self) -> tuple[list[str], list[str]]:
        a, f = self.agency_a.code, self.fonds_a.code
        viewing = [
            "/quan-tri/",
            "/quan-tri/co-quan/",
            f"/quan-tri/co-quan/{a}/",
            f"/quan-tri/phong/{f}/",
        ]
        changing = [
            "/quan-tri/co-quan/them/",
            f"/quan-tri/co-quan/{a}/sua/",
            f"/quan-tri/co-quan/{a}/ngung-hoat-dong/",
            "/quan-tri/phong/them/",
            f"/quan-tri/phong/{f}/sua/",
            f"/quan-tri/phong/{f}/dong/",
        ]
        return viewing, changing

    def test_anonymous_visitors_are_sent_to_the_login_page(self) -> None:
        viewing, changing = self.pages()
        for url in viewing + changing:
            response = self.client.get(url)
            self.assertRedirects(response, f"{LOGIN}?next={url}", msg_prefix=url)

    def test_readers_have_no_staff_pages(self) -> None:
        self.login(self.reader)
        viewing, changing = self.pages()
        for url in viewing + changing:
            self.assertEqual(self.client.get(url).status_code, 403, url)

    def test_every_staff_role_may_view_but_not_change(self) -> None:
        viewing, changing = self.pages()
        for user in self.staff():
            self.login(user)
            for url in viewing:
                self.assertEqual(self.client.get(url).status_code, 200, (user, url))
            for url in changing:
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))
                self.assertEqual(self.client.post(url, {}).status_code, 403, (user, url))

    def test_administrators_may_view_and_change(self) -> None:
        self.login(self.admin)
        viewing, changing = self.pages()
        for url in viewing + changing:
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_unknown_codes_are_not_found(self) -> None:
        self.login(self.admin)
        for url in ("/quan-tri/co-quan/999.99.99.Z99/", "/quan-tri/phong/KHONG-CO/sua/"):
            self.assertEqual(self.client.get(url).status_code, 404, url)


class AgencyPageTests(BaseTestCase):
    def test_the_tree_nests_agencies_and_marks_the_viewers_scope(self) -> None:
        self.login(self.archivist)
        page = self.client.get("/quan-tri/co-quan/")
        self.assertContains(page, "Ủy ban nhân dân tỉnh")
        self.assertContains(page, "Sở Tài chính")
        html = page.content.decode()
        self.assertLess(html.index("Ủy ban nhân dân tỉnh"), html.index("Sở Tài chính"))
        self.assertEqual(page.context["scope_ids"], {self.agency_a.pk, self.archive_agency.pk})

    def test_the_tree_is_built_in_a_fixed_number_of_queries(self) -> None:
        for n in range(20):
            actions.create_agency(
                actor=None,
                code=f"000.20.{n:02d}.H62",
                name=f"UBND xã {n}",
                kind="commune_committee",
                parent=self.province,
            )
        self.login(self.archivist)
        with self.assertNumQueries(10):
            self.client.get("/quan-tri/co-quan/")

    def test_filtering_by_name_ignores_case_and_returns_a_partial_for_htmx(self) -> None:
        self.login(self.archivist)
        page = self.client.get("/quan-tri/co-quan/", {"q": "xây"}, HTTP_HX_REQUEST="true")
        self.assertContains(page, "Sở Xây dựng")
        self.assertNotContains(page, "Sở Tài chính")
        self.assertNotContains(page, "<html")

    def test_an_administrator_adds_an_agency_through_the_form(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            "/quan-tri/co-quan/them/",
            {
                "code": "000.00.12.h62",
                "name": "Sở Khoa học và Công nghệ",
                "kind": "department",
                "parent": self.province.pk,
            },
        )
        self.assertRedirects(response, "/quan-tri/co-quan/000.00.12.H62/")
        self.assertEqual(Agency.objects.get(code="000.00.12.H62").parent, self.province)
        self.assertContains(self.client.get("/quan-tri/co-quan/000.00.12.H62/"), "Thêm cơ quan")

    def test_a_bad_code_is_shown_next_to_the_field_and_nothing_is_saved(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            "/quan-tri/co-quan/them/",
            {"code": "12.H62", "name": "Sở lỗi", "kind": "department"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "không đúng dạng NNN.NN.NN.XNN")
        self.assertFalse(Agency.objects.filter(name="Sở lỗi").exists())

    def test_ending_an_agency_through_the_form_names_an_ended_successor(self) -> None:
        actions.end_agency(
            self.agency_b,
            on=datetime.date(2025, 7, 1),
            reason=EndReason.DISSOLVED,
            actor=self.admin,
        )
        self.login(self.admin)
        response = self.client.post(
            f"/quan-tri/co-quan/{self.agency_a.code}/ngung-hoat-dong/",
            {"reason": "merged", "on": "2025-07-01", "successors": [self.agency_b.pk]},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "đã ngừng hoạt động")
        self.assertIsNone(Agency.objects.get(pk=self.agency_a.pk).valid_until)

    def test_ending_an_agency_through_the_form_shows_its_successor(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            f"/quan-tri/co-quan/{self.agency_a.code}/ngung-hoat-dong/",
            {
                "reason": "merged",
                "on": "2025-07-01",
                "successors": [self.agency_b.pk],
                "legal_basis": "Quyết định số 215/QĐ-UBND",
            },
        )
        self.assertRedirects(response, f"/quan-tri/co-quan/{self.agency_a.code}/")
        detail = self.client.get(f"/quan-tri/co-quan/{self.agency_a.code}/")
        self.assertContains(detail, "Hợp nhất, sáp nhập")
        self.assertContains(detail, "01/07/2025")
        self.assertContains(detail, "Sở Xây dựng")

    def test_the_edit_form_refuses_a_cycle(self) -> None:
        child = actions.create_agency(
            actor=None,
            code="000.01.03.H62",
            name="Phòng Ngân sách",
            kind="other",
            parent=self.agency_a,
        )
        self.login(self.admin)
        response = self.client.post(
            f"/quan-tri/co-quan/{self.agency_a.code}/sua/",
            {
                "code": self.agency_a.code,
                "name": "Sở Tài chính",
                "kind": "department",
                "parent": child.pk,
            },
        )
        self.assertContains(response, "vòng lặp")


class FondsPageTests(BaseTestCase):
    def test_an_administrator_adds_edits_and_closes_a_fonds(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            "/quan-tri/phong/them/",
            {
                "code": "h62.004",
                "name": "Phông Sở Xây dựng",
                "agency": self.agency_b.pk,
                "languages": "Tiếng Việt",
                "start_year": 1992,
            },
        )
        self.assertRedirects(response, "/quan-tri/phong/H62.004/")
        response = self.client.post(
            "/quan-tri/phong/H62.004/sua/",
            {
                "code": "H62.004",
                "name": "Phông Sở Xây dựng tỉnh",
                "agency": self.agency_b.pk,
                "languages": "Tiếng Việt",
                "start_year": 1992,
            },
        )
        self.assertRedirects(response, "/quan-tri/phong/H62.004/")
        response = self.client.post("/quan-tri/phong/H62.004/dong/", {"end_year": 2025})
        self.assertRedirects(response, "/quan-tri/phong/H62.004/")
        fonds = Fonds.objects.get(code="H62.004")
        self.assertEqual(
            (fonds.name, fonds.is_open, fonds.end_year), ("Phông Sở Xây dựng tỉnh", False, 2025)
        )
        self.assertContains(self.client.get("/quan-tri/phong/H62.004/"), "Đóng phông")

    def test_closing_a_closed_fonds_shows_a_message(self) -> None:
        actions.close_fonds(self.fonds_a, end_year=None, actor=self.admin)
        self.login(self.admin)
        response = self.client.post(f"/quan-tri/phong/{self.fonds_a.code}/dong/", {})
        self.assertContains(response, "đã đóng")
