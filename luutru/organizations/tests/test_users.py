"""Administrators manage staff accounts and their roles."""

from __future__ import annotations

from luutru.accounts.models import User
from luutru.audit.models import AuditEvent
from luutru.organizations.models import Membership
from luutru.test import BaseTestCase


class UserManagementTests(BaseTestCase):
    def test_only_administrators_manage_users(self) -> None:
        pages = [
            "/quan-tri/nguoi-dung/",
            "/quan-tri/nguoi-dung/them/",
            "/quan-tri/nguoi-dung/docgia/",
        ]
        for user in (self.archivist, self.head, self.clerk_a, self.council, self.kpi, self.reader):
            self.login(user)
            for url in pages:
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))
        self.login(self.admin)
        for url in pages:
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_an_administrator_creates_a_clerk_who_can_then_sign_in(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            "/quan-tri/nguoi-dung/them/",
            {
                "username": "vanthu_moi",
                "full_name": "Ngô Thị Mới",
                "email": "moi@example.vn",
                "position": "Văn thư",
                "password1": "Hoa-sen-no-2026",
                "password2": "Hoa-sen-no-2026",
                "role": "clerk",
                "agency": self.agency_b.pk,
            },
        )
        self.assertRedirects(response, "/quan-tri/nguoi-dung/vanthu_moi/")
        user = User.objects.get(username="vanthu_moi")
        self.assertEqual(user.memberships.get().agency, self.agency_b)
        self.assertTrue(
            AuditEvent.objects.filter(action="accounts.user_create", actor=self.admin).exists()
        )
        self.client.logout()
        signed_in = self.client.post(
            "/tai-khoan/dang-nhap/", {"username": "vanthu_moi", "password": "Hoa-sen-no-2026"}
        )
        self.assertRedirects(signed_in, "/quan-tri/")

    def test_a_weak_or_mismatched_password_is_refused_and_nothing_is_created(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            "/quan-tri/nguoi-dung/them/",
            {
                "username": "yeu",
                "full_name": "Mật khẩu yếu",
                "password1": "123",
                "password2": "456",
                "role": "clerk",
                "agency": self.agency_b.pk,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Hai trường mật khẩu không giống nhau")
        self.assertFalse(User.objects.filter(username="yeu").exists())

    def test_roles_are_granted_and_revoked_with_audit_events(self) -> None:
        self.login(self.admin)
        url = f"/quan-tri/nguoi-dung/{self.clerk_b.username}/"
        self.client.post(url, {"role": "archivist", "agency": self.agency_b.pk})
        membership = Membership.objects.get(user=self.clerk_b, role="archivist")
        self.client.post(url, {"revoke": membership.pk})
        self.assertFalse(Membership.objects.filter(pk=membership.pk).exists())
        actions = set(
            AuditEvent.objects.for_object("accounts.user", str(self.clerk_b.pk)).values_list(
                "action", flat=True
            )
        )
        self.assertLessEqual({"organizations.role_assign", "organizations.role_revoke"}, actions)

    def test_a_locked_account_cannot_sign_in(self) -> None:
        self.login(self.admin)
        self.client.post(f"/quan-tri/nguoi-dung/{self.clerk_b.username}/", {"active": "0"})
        self.client.logout()
        response = self.client.post(
            "/tai-khoan/dang-nhap/", {"username": self.clerk_b.username, "password": "x" * 12}
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(User.objects.get(pk=self.clerk_b.pk).is_active)

    def test_administrators_cannot_lock_themselves_out(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            f"/quan-tri/nguoi-dung/{self.admin.username}/", {"active": "0"}, follow=True
        )
        self.assertContains(response, "Không thể tự khóa")
        self.assertTrue(User.objects.get(pk=self.admin.pk).is_active)
