"""The staff side of publication (công bố): the form and history on the dossier and document
pages, the regime-change form, the queue of records awaiting a decision and a fonds' policy."""

from __future__ import annotations

from luutru.records.tests.factory import make_dossier
from luutru.records.tests.test_publication import PublicationTestCase


class StaffPageTests(PublicationTestCase):
    def test_the_head_publishes_and_withdraws_from_the_dossier_page(self) -> None:
        self.login(self.head)
        url = f"/quan-tri/ho-so/{self.dossier.code}/"
        page = self.client.get(url)
        self.assertContains(page, "Chưa công bố")
        self.assertContains(page, 'value="publish"')
        self.assertContains(page, "Chưa có quyết định công bố nào.")
        response = self.client.post(
            f"{url}cong-bo/", {"action": "publish", "reason": "Phục vụ tra cứu", "download": "0"}
        )
        self.assertRedirects(response, url)
        page = self.client.get(url)
        self.assertContains(page, "Đã công bố")
        self.assertContains(page, "chỉ đọc trang, không tải bản gốc")
        self.assertContains(page, "Phục vụ tra cứu")  # the history
        self.assertContains(page, "Thu hồi công bố")
        missing_reason = self.client.post(f"{url}cong-bo/", {"action": "withdraw", "reason": ""})
        self.assertEqual(missing_reason.status_code, 400)
        self.assertIsNotNone(self.fresh(self.dossier).published_at)
        self.client.post(f"{url}cong-bo/", {"action": "withdraw", "reason": "Rà soát"})
        self.assertIsNone(self.fresh(self.dossier).published_at)

    def test_a_refusal_is_shown_on_the_document_page(self) -> None:
        self.login(self.head)
        url = f"/quan-tri/tai-lieu/{self.first.pk}/"
        response = self.client.post(f"{url}cong-bo/", {"action": "publish"}, follow=True)
        self.assertContains(response, "hãy công bố hồ sơ")
        self.assertIsNone(self.fresh(self.first).published_at)

    def test_staff_without_the_permission_see_the_state_but_no_form(self) -> None:
        self.login(self.archivist)
        url = f"/quan-tri/ho-so/{self.dossier.code}/"
        page = self.client.get(url)
        self.assertContains(page, "Chưa công bố")
        self.assertNotContains(page, 'value="publish"')
        self.assertNotContains(page, "Thay đổi chế độ sử dụng")
        self.assertEqual(self.client.post(f"{url}cong-bo/", {"action": "publish"}).status_code, 403)
        regime = self.client.post(
            f"{url}che-do-su-dung/", {"new_regime": "02", "legal_basis": "QĐ", "reason": "x"}
        )
        self.assertEqual(regime.status_code, 403)
        self.assertIsNone(self.fresh(self.dossier).published_at)
        self.login(self.clerk_b)  # out of scope: not found, as everywhere
        self.assertEqual(self.client.post(f"{url}cong-bo/", {"action": "publish"}).status_code, 404)

    def test_the_head_changes_a_regime_from_the_document_page(self) -> None:
        self.login(self.head)
        url = f"/quan-tri/tai-lieu/{self.unfiled.pk}/"
        bad = self.client.post(f"{url}che-do-su-dung/", {"new_regime": "02"})
        self.assertContains(bad, "Căn cứ pháp lý", status_code=400)
        response = self.client.post(
            f"{url}che-do-su-dung/",
            {
                "new_regime": "02",
                "legal_basis": "Quyết định 7/QĐ-LT",
                "reason": "Có dữ liệu cá nhân",
            },
            follow=True,
        )
        self.assertContains(response, "Đã thay đổi chế độ sử dụng")
        self.assertContains(response, "Quyết định 7/QĐ-LT")
        self.assertEqual(self.fresh(self.unfiled).access_regime, "02")

    def test_the_queue_lists_records_awaiting_a_decision_by_agency_and_fonds(self) -> None:
        other_fonds = make_dossier(self.agency_a, 4)  # no fonds
        conditional = make_dossier(self.agency_a, 5, access_regime="02", fonds=self.fonds_a)
        self.login(self.archivist)
        page = self.client.get("/quan-tri/cong-bo/")
        self.assertContains(page, self.dossier.code)
        self.assertContains(page, other_fonds.code)
        self.assertContains(page, self.unfiled.identifier)
        self.assertNotContains(page, conditional.code)
        self.assertNotContains(page, 'name="dossier"')  # no permission: a list, no form
        by_fonds = self.client.get("/quan-tri/cong-bo/", {"fonds": self.fonds_a.code})
        self.assertContains(by_fonds, self.dossier.code)
        self.assertNotContains(by_fonds, other_fonds.code)
        self.assertNotContains(by_fonds, self.unfiled.identifier)
        by_agency = self.client.get("/quan-tri/cong-bo/", {"agency": self.archive_agency.code})
        self.assertNotContains(by_agency, self.dossier.code)
        out_of_scope = self.client.get("/quan-tri/cong-bo/", {"agency": self.agency_b.code})
        self.assertNotContains(out_of_scope, self.dossier.code)

    def test_the_head_publishes_selected_records_from_the_queue(self) -> None:
        self.login(self.head)
        response = self.client.post(
            "/quan-tri/cong-bo/",
            {"dossier": [self.dossier.pk], "document": [self.unfiled.pk], "reason": "Đợt 1"},
            follow=True,
        )
        self.assertContains(response, "Đã công bố 2 hồ sơ, tài liệu.")
        self.assertNotContains(response, f"<code>{self.dossier.code}</code>")
        self.assertIsNotNone(self.fresh(self.unfiled).published_at)

    def test_the_head_sets_a_fonds_policy_from_the_queue(self) -> None:
        self.login(self.head)
        page = self.client.get("/quan-tri/cong-bo/", {"fonds": self.fonds_a.code})
        self.assertContains(page, "Chính sách công bố của Phông Sở Tài chính")
        response = self.client.post(
            f"/quan-tri/cong-bo/phong/{self.fonds_a.code}/",
            {"list_conditional": "on", "public_download": "on"},
        )
        self.assertRedirects(response, f"/quan-tri/cong-bo/?fonds={self.fonds_a.code}")
        self.fonds_a.refresh_from_db()
        self.assertEqual(
            (self.fonds_a.publish_on_acceptance, self.fonds_a.list_conditional), (False, True)
        )
        self.login(self.archivist)
        refused = self.client.post(f"/quan-tri/cong-bo/phong/{self.fonds_a.code}/", {})
        self.assertEqual(refused.status_code, 403)
