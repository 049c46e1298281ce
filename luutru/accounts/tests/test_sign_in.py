"""Signing in and out, throttling, changing and resetting a password — all in Vietnamese.

Logins go through ``self.client.post`` to the real form so that django-axes and the audit
signals see a request, as they do in production.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.test import override_settings

import luutru.settings
from luutru.accounts.models import User
from luutru.audit.models import AuditEvent
from luutru.test import PASSWORD, BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

LOGIN = "/tai-khoan/dang-nhap/"
LOGOUT = "/tai-khoan/dang-xuat/"
PASSWORD_CHANGE = "/tai-khoan/doi-mat-khau/"
PASSWORD_RESET = "/tai-khoan/quen-mat-khau/"
STAFF_HOME = "/quan-tri/"
WRONG_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng"
LOCKED_OUT = "Tạm khóa đăng nhập"
NEW_PASSWORD = "bau-troi-xanh-ngat-2026"
TOO_SHORT = "Mật khẩu này quá ngắn. Mật khẩu phải có ít nhất 10 ký tự."


class SignInTestCase(BaseTestCase):
    def sign_in(self, username: str, password: str) -> TestResponse:
        return self.client.post(LOGIN, {"username": username, "password": password})

    def signed_in_user_id(self) -> str | None:
        return self.client.session.get("_auth_user_id")

    def events(self, action: str) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=action).order_by("seq"))


class LoginPageTests(SignInTestCase):
    def test_the_login_page_is_in_vietnamese(self) -> None:
        page = self.client.get(LOGIN)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page["Content-Type"], "text/html; charset=utf-8")
        self.assertContains(page, '<html lang="vi">')
        self.assertContains(page, "<h1>Đăng nhập</h1>", html=False)
        self.assertContains(page, "Tên đăng nhập")
        self.assertContains(page, "Mật khẩu")
        self.assertContains(page, "Quên mật khẩu?")

    def test_the_login_page_uses_precomposed_diacritics(self) -> None:
        # Decomposed letters (a + combining marks) render badly in some fonts and defeat search.
        text = self.client.get(LOGIN).content.decode("utf-8")
        self.assertTrue(unicodedata.is_normalized("NFC", text))
        self.assertIn("\u0110\u0103ng nh\u1eadp", text)  # Đ, ă, ậ as single code points


class LoginTests(SignInTestCase):
    def test_a_valid_login_lands_on_the_staff_home_and_is_audited(self) -> None:
        response = self.sign_in(self.clerk_a.username, PASSWORD)
        self.assertRedirects(response, STAFF_HOME)
        self.assertEqual(self.signed_in_user_id(), str(self.clerk_a.pk))
        self.assertContains(self.client.get(STAFF_HOME), self.clerk_a.get_full_name())
        [event] = self.events("accounts.login")
        self.assertEqual(event.actor_id, self.clerk_a.pk)
        self.assertEqual(event.object_id, str(self.clerk_a.pk))
        self.assertEqual(event.ip_address, "127.0.0.1")

    def test_a_wrong_password_shows_the_vietnamese_error_and_is_audited(self) -> None:
        response = self.sign_in(self.clerk_a.username, "khong-phai-mat-khau")
        self.assertContains(response, WRONG_LOGIN)
        self.assertContains(response, "mật khẩu phân biệt chữ hoa, chữ thường")
        self.assertIsNone(self.signed_in_user_id())
        self.assertEqual(self.events("accounts.login"), [])
        [event] = self.events("accounts.login_failed")
        self.assertIsNone(event.actor_id)
        self.assertEqual(event.data, {"username": self.clerk_a.username})
        self.assertIn(self.clerk_a.username, event.message)

    def test_an_unknown_user_name_gets_the_same_error_as_a_wrong_password(self) -> None:
        response = self.sign_in("khong_co_ai", PASSWORD)
        self.assertContains(response, WRONG_LOGIN)
        self.assertEqual(len(self.events("accounts.login_failed")), 1)

    def test_the_failed_password_is_never_written_to_the_audit_trail(self) -> None:
        self.sign_in(self.clerk_a.username, "bi-mat-go-nham-123")
        [event] = self.events("accounts.login_failed")
        self.assertNotIn("bi-mat-go-nham-123", f"{event.message} {event.data}")


class LockoutTests(SignInTestCase):
    def fail_to_sign_in(self, times: int) -> TestResponse:
        """Try a wrong password for clerk_a ``times`` times; return the last response."""
        responses = [self.sign_in(self.clerk_a.username, "sai-mat-khau") for _ in range(times)]
        return responses[-1]

    def test_four_failures_do_not_lock_the_user_out(self) -> None:
        self.fail_to_sign_in(4)
        response = self.sign_in(self.clerk_a.username, PASSWORD)
        self.assertRedirects(response, STAFF_HOME)

    def test_it_locks_out_after_five_failures(self) -> None:
        fifth = self.fail_to_sign_in(5)
        self.assertEqual(fifth.status_code, 429)
        self.assertContains(fifth, LOCKED_OUT, status_code=429)
        self.assertEqual(len(self.events("accounts.login_failed")), 5)

    def test_a_locked_out_user_is_refused_even_with_the_right_password(self) -> None:
        self.fail_to_sign_in(5)
        response = self.sign_in(self.clerk_a.username, PASSWORD)
        self.assertContains(response, LOCKED_OUT, status_code=429)
        self.assertContains(response, "Hãy thử lại sau 15 phút", status_code=429)
        self.assertContains(response, '<html lang="vi">', status_code=429)
        self.assertIsNone(self.signed_in_user_id())
        self.assertEqual(self.events("accounts.login"), [])

    def test_the_lockout_hits_only_that_user_name(self) -> None:
        self.fail_to_sign_in(5)
        response = self.sign_in(self.clerk_b.username, PASSWORD)
        self.assertRedirects(response, STAFF_HOME)

    def test_a_success_before_the_limit_starts_the_count_again(self) -> None:
        self.fail_to_sign_in(4)
        self.assertRedirects(self.sign_in(self.clerk_a.username, PASSWORD), STAFF_HOME)
        self.client.logout()
        self.fail_to_sign_in(4)
        self.assertRedirects(self.sign_in(self.clerk_a.username, PASSWORD), STAFF_HOME)

    def test_an_administrator_reset_lets_the_user_in_again(self) -> None:
        self.fail_to_sign_in(5)
        self.assertTrue(AccessAttempt.objects.filter(username=self.clerk_a.username).exists())
        axes_reset(username=self.clerk_a.username)
        self.assertRedirects(self.sign_in(self.clerk_a.username, PASSWORD), STAFF_HOME)


class LogoutTests(SignInTestCase):
    def test_logout_by_get_is_refused_and_keeps_the_session(self) -> None:
        self.sign_in(self.clerk_a.username, PASSWORD)
        self.assertEqual(self.client.get(LOGOUT).status_code, 405)
        self.assertEqual(self.signed_in_user_id(), str(self.clerk_a.pk))
        self.assertEqual(self.client.get(STAFF_HOME).status_code, 200)

    def test_logout_by_post_ends_the_session(self) -> None:
        self.sign_in(self.clerk_a.username, PASSWORD)
        response = self.client.post(LOGOUT)
        self.assertRedirects(response, LOGIN)
        self.assertIsNone(self.signed_in_user_id())
        self.assertRedirects(self.client.get(STAFF_HOME), f"{LOGIN}?next={STAFF_HOME}")
        [event] = self.events("accounts.logout")
        self.assertEqual(event.actor_id, self.clerk_a.pk)


class PasswordChangeTests(SignInTestCase):
    def change(self, old: str, new: str) -> TestResponse:
        return self.client.post(
            PASSWORD_CHANGE,
            {"old_password": old, "new_password1": new, "new_password2": new},
        )

    def test_anonymous_visitors_are_sent_to_the_login_page(self) -> None:
        response = self.client.get(PASSWORD_CHANGE)
        self.assertRedirects(response, f"{LOGIN}?next={PASSWORD_CHANGE}")
        response = self.change(PASSWORD, NEW_PASSWORD)
        self.assertRedirects(response, f"{LOGIN}?next={PASSWORD_CHANGE}")
        self.assertEqual(self.events("accounts.password_change"), [])

    def test_the_page_is_in_vietnamese(self) -> None:
        self.sign_in(self.clerk_a.username, PASSWORD)
        page = self.client.get(PASSWORD_CHANGE)
        self.assertContains(page, "<h1>Đổi mật khẩu</h1>", html=False)
        self.assertContains(page, '<html lang="vi">')

    def test_a_user_changes_their_password_and_stays_signed_in(self) -> None:
        self.sign_in(self.clerk_a.username, PASSWORD)
        response = self.change(PASSWORD, NEW_PASSWORD)
        self.assertRedirects(response, "/tai-khoan/doi-mat-khau/xong/")
        self.assertContains(self.client.get(response["Location"]), "Đã đổi mật khẩu")
        self.clerk_a.refresh_from_db()
        self.assertTrue(self.clerk_a.check_password(NEW_PASSWORD))
        self.assertEqual(self.client.get(STAFF_HOME).status_code, 200)
        [event] = self.events("accounts.password_change")
        self.assertEqual(event.actor_id, self.clerk_a.pk)
        self.assertEqual(event.object_id, str(self.clerk_a.pk))
        self.assertNotIn(NEW_PASSWORD, f"{event.message} {event.data}")

    def test_the_new_password_works_at_the_login_form_and_the_old_one_does_not(self) -> None:
        self.sign_in(self.clerk_a.username, PASSWORD)
        self.change(PASSWORD, NEW_PASSWORD)
        self.client.post(LOGOUT)
        self.assertContains(self.sign_in(self.clerk_a.username, PASSWORD), WRONG_LOGIN)
        self.assertRedirects(self.sign_in(self.clerk_a.username, NEW_PASSWORD), STAFF_HOME)

    def test_a_password_shorter_than_ten_characters_is_refused(self) -> None:
        self.sign_in(self.clerk_a.username, PASSWORD)
        response = self.change(PASSWORD, "Ng4n!xyz")
        self.assertContains(response, TOO_SHORT)
        self.assertNotContains(response, "too short")
        self.clerk_a.refresh_from_db()
        self.assertTrue(self.clerk_a.check_password(PASSWORD))
        self.assertEqual(self.events("accounts.password_change"), [])

    def test_a_wrong_old_password_changes_nothing(self) -> None:
        self.sign_in(self.clerk_a.username, PASSWORD)
        response = self.change("khong-dung-mat-khau-cu", NEW_PASSWORD)
        self.assertEqual(response.status_code, 200)
        self.clerk_a.refresh_from_db()
        self.assertTrue(self.clerk_a.check_password(PASSWORD))
        self.assertEqual(self.events("accounts.password_change"), [])


class PasswordResetTests(SignInTestCase):
    def request_reset(self, email: str) -> TestResponse:
        return self.client.post(PASSWORD_RESET, {"email": email})

    def reset_link(self) -> str:
        [message] = mail.outbox
        match = re.search(
            r"http://testserver(/tai-khoan/dat-lai-mat-khau/\S+/\S+/)", str(message.body)
        )
        assert match is not None, message.body
        return match.group(1)

    def test_a_reset_request_sends_one_vietnamese_email(self) -> None:
        response = self.request_reset(self.clerk_a.email)
        self.assertRedirects(response, "/tai-khoan/quen-mat-khau/da-gui/")
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, [self.clerk_a.email])
        self.assertIn("Đặt lại mật khẩu", message.subject)
        self.assertIn("Mở đường dẫn sau để đặt mật khẩu mới", message.body)

    def test_an_unknown_address_sends_nothing_but_looks_the_same(self) -> None:
        response = self.request_reset("khong-ai-ca@example.vn")
        self.assertRedirects(response, "/tai-khoan/quen-mat-khau/da-gui/")
        self.assertEqual(mail.outbox, [])

    def test_following_the_link_sets_a_new_password_that_logs_in(self) -> None:
        self.request_reset(self.clerk_a.email)
        form_page = self.client.get(self.reset_link(), follow=True)
        self.assertContains(form_page, "Đặt mật khẩu mới")
        self.assertContains(form_page, 'name="new_password1"')
        form_url = form_page.redirect_chain[-1][0]
        response = self.client.post(
            form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        self.assertRedirects(response, "/tai-khoan/dat-lai-mat-khau/xong/")
        [event] = self.events("accounts.password_change")
        self.assertEqual(event.object_id, str(self.clerk_a.pk))
        self.assertContains(self.sign_in(self.clerk_a.username, PASSWORD), WRONG_LOGIN)
        self.assertRedirects(self.sign_in(self.clerk_a.username, NEW_PASSWORD), STAFF_HOME)

    def test_the_link_works_only_once(self) -> None:
        self.request_reset(self.clerk_a.email)
        link = self.reset_link()
        form_url = self.client.get(link, follow=True).redirect_chain[-1][0]
        self.client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        again = self.client.get(link, follow=True)
        self.assertContains(again, "không hợp lệ hoặc đã được dùng")
        self.assertNotContains(again, 'name="new_password1"')

    def test_the_new_password_must_pass_the_validators(self) -> None:
        self.request_reset(self.clerk_a.email)
        form_url = self.client.get(self.reset_link(), follow=True).redirect_chain[-1][0]
        response = self.client.post(form_url, {"new_password1": "ngan", "new_password2": "ngan"})
        self.assertContains(response, TOO_SHORT)
        self.clerk_a.refresh_from_db()
        self.assertTrue(self.clerk_a.check_password(PASSWORD))


class PasswordHashingTests(SignInTestCase):
    def test_the_real_settings_hash_passwords_with_argon2(self) -> None:
        # conftest.py swaps in MD5 for speed; the production list is still the module's.
        self.assertEqual(
            luutru.settings.PASSWORD_HASHERS[0],
            "django.contrib.auth.hashers.Argon2PasswordHasher",
        )
        self.assertNotEqual(settings.PASSWORD_HASHERS, luutru.settings.PASSWORD_HASHERS)
        with override_settings(PASSWORD_HASHERS=luutru.settings.PASSWORD_HASHERS):
            user = User(username="argon")
            user.set_password(NEW_PASSWORD)
            self.assertTrue(user.password.startswith("argon2"), user.password[:20])
            self.assertTrue(check_password(NEW_PASSWORD, user.password))
            self.assertFalse(check_password(PASSWORD, user.password))
