"""The in-app guide: a page per role, for staff, with the screenshots the browser tests took."""

from __future__ import annotations

from django.contrib.staticfiles import finders

from luutru.staff.guide import GUIDES
from luutru.test import BaseTestCase


class GuideTests(BaseTestCase):
    def test_staff_find_the_guide_of_their_role_from_every_staff_page(self) -> None:
        self.login(self.clerk_a)
        home = self.client.get("/quan-tri/")
        self.assertContains(home, 'href="/quan-tri/huong-dan/"')
        index = self.client.get("/quan-tri/huong-dan/")
        self.assertContains(index, "Văn thư: nộp lưu hồ sơ, tài liệu")
        self.assertContains(index, '<span class="badge">vai trò của bạn</span>', count=1)
        page = self.client.get("/quan-tri/huong-dan/van-thu/")
        self.assertContains(page, "Tải mẫu danh sách")
        self.assertEqual(self.client.get("/quan-tri/huong-dan/khong-co/").status_code, 404)

    def test_readers_and_visitors_do_not_get_the_staff_guide(self) -> None:
        self.login(self.reader)
        self.assertEqual(self.client.get("/quan-tri/huong-dan/").status_code, 403)
        self.assertEqual(self.client.get("/quan-tri/huong-dan/van-thu/").status_code, 403)
        self.login(None)
        self.assertEqual(self.client.get("/quan-tri/huong-dan/").status_code, 302)

    def test_a_step_shows_its_screenshot_once_the_browser_tests_have_taken_it(self) -> None:
        self.login(self.head)
        page = self.client.get("/quan-tri/huong-dan/lanh-dao/").content.decode()
        for step in GUIDES[1].steps:
            taken = bool(finders.find(f"img/huong-dan/{step.screenshot}.png"))
            self.assertEqual(f"img/huong-dan/{step.screenshot}.png" in page, taken, step.title)
