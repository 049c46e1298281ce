"""Xác thực hai bước: required for administrators, heads and archivists, optional for the rest;
enrolment with a QR code, verification, recovery codes, an administrator's reset — audited.

Codes are computed the way the phone app does, with django-otp's own TOTP function.
"""

from __future__ import annotations

from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from luutru.accounts.models import AuditAction, User
from luutru.accounts.services import pending_device
from luutru.audit.models import AuditEvent
from luutru.test import PASSWORD, BaseTestCase

LOGIN = "/tai-khoan/dang-nhap/"
VERIFY = "/tai-khoan/xac-thuc-hai-buoc/"
ENROL = "/tai-khoan/xac-thuc-hai-buoc/dang-ky/"
RESET = "/tai-khoan/xac-thuc-hai-buoc/dat-lai/"
STAFF_HOME = "/quan-tri/"


def code(device: TOTPDevice, drift: int = 0) -> str:
    """The six digits the authenticator app shows now (``drift`` steps later)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, drift)
    return str(value).zfill(device.digits)


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    """Enrol ``user`` through the real action; the device and its recovery codes."""
    from luutru.accounts.actions import confirm_second_factor

    device = pending_device(user)
    codes = confirm_second_factor(user, device, request=None)
    return device, codes


# django-otp makes the next try wait a second after a wrong code (doubling each time): these
# tests type a wrong code and then the right one at once.
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
class SecondFactorTestCase(BaseTestCase):
    def sign_in(self, user: User) -> None:
        self.client.logout()
        response = self.client.post(LOGIN, {"username": user.username, "password": PASSWORD})
        self.assertEqual(response.status_code, 302)

    def actions(self, action: AuditAction, user: User) -> int:
        return AuditEvent.objects.filter(action=action, object_id=str(user.pk)).count()


class EnrolmentTests(SecondFactorTestCase):
    def test_an_administrator_must_enrol_before_any_staff_page(self) -> None:
        self.sign_in(self.admin)
        response = self.client.get(STAFF_HOME)
        self.assertRedirects(
            response, f"{ENROL}?next=%2Fquan-tri%2F", fetch_redirect_response=False
        )
        page = self.client.get(ENROL)
        self.assertContains(page, "Đăng ký xác thực hai bước")
        self.assertContains(page, "<svg", html=False)
        device = TOTPDevice.objects.get(user=self.admin, confirmed=False)
        self.assertContains(page, device.config_url.split("secret=")[1][:4])

        wrong = self.client.post(ENROL, {"token": "000000" if code(device) != "000000" else "1"})
        self.assertEqual(wrong.status_code, 400)
        self.assertContains(wrong, "Mã xác thực không đúng", status_code=400)
        self.assertEqual(self.client.get(STAFF_HOME).status_code, 302)
        self.assertEqual(self.actions(AuditAction.SECOND_FACTOR_FAILED, self.admin), 1)

        done = self.client.post(ENROL, {"token": code(device), "next": STAFF_HOME})
        self.assertContains(done, "Đã bật xác thực hai bước")
        self.assertEqual(len(done.context["codes"]), 10)
        self.assertEqual(self.client.get(STAFF_HOME).status_code, 200)
        self.assertEqual(self.actions(AuditAction.SECOND_FACTOR_ENROL, self.admin), 1)
        self.assertTrue(TOTPDevice.objects.get(pk=device.pk).confirmed)

    def test_heads_and_archivists_must_too_but_clerks_may_choose(self) -> None:
        for user in (self.head, self.archivist):
            self.sign_in(user)
            self.assertEqual(self.client.get(STAFF_HOME)["Location"][: len(ENROL)], ENROL)
        self.sign_in(self.clerk_a)
        self.assertEqual(self.client.get(STAFF_HOME).status_code, 200)
        self.assertEqual(self.client.get(ENROL).status_code, 200)

    def test_a_clerk_who_enrolled_is_asked_for_the_code_too(self) -> None:
        enrolled(self.clerk_a)
        self.sign_in(self.clerk_a)
        self.assertEqual(self.client.get(STAFF_HOME)["Location"][: len(VERIFY)], VERIFY)

    def test_an_enrolled_user_cannot_replace_the_phone_with_the_password_alone(self) -> None:
        enrolled(self.archivist)
        self.sign_in(self.archivist)
        self.assertEqual(self.client.get(ENROL)["Location"][: len(VERIFY)], VERIFY)


class VerificationTests(SecondFactorTestCase):
    def test_a_code_from_the_app_opens_the_staff_pages(self) -> None:
        device, _codes = enrolled(self.archivist)
        self.sign_in(self.archivist)
        self.assertRedirects(
            self.client.get(STAFF_HOME),
            f"{VERIFY}?next=%2Fquan-tri%2F",
            fetch_redirect_response=False,
        )
        wrong = self.client.post(VERIFY, {"token": "12345", "next": STAFF_HOME})
        self.assertContains(wrong, "Mã xác thực không đúng", status_code=400)
        self.assertEqual(self.actions(AuditAction.SECOND_FACTOR_FAILED, self.archivist), 1)
        response = self.client.post(VERIFY, {"token": code(device), "next": STAFF_HOME})
        self.assertRedirects(response, STAFF_HOME)

    def test_a_recovery_code_works_once_and_is_audited(self) -> None:
        _device, codes = enrolled(self.head)
        self.sign_in(self.head)
        response = self.client.post(VERIFY, {"token": codes[0], "next": STAFF_HOME})
        self.assertRedirects(response, STAFF_HOME)
        self.assertEqual(self.actions(AuditAction.SECOND_FACTOR_RECOVERY, self.head), 1)
        self.sign_in(self.head)
        again = self.client.post(VERIFY, {"token": codes[0], "next": STAFF_HOME})
        self.assertEqual(again.status_code, 400)
        self.assertEqual(self.client.get(STAFF_HOME).status_code, 302)

    def test_the_next_address_must_be_on_this_site(self) -> None:
        device, _codes = enrolled(self.archivist)
        self.sign_in(self.archivist)
        response = self.client.post(VERIFY, {"token": code(device), "next": "https://evil.example"})
        self.assertRedirects(response, STAFF_HOME, fetch_redirect_response=False)

    def test_without_verification_staff_pages_and_the_api_are_closed(self) -> None:
        self.login(self.head, second_factor=False)
        for path in (STAFF_HOME, "/quan-tri/ho-so/", "/tra-cuu/"):
            response = self.client.get(path)
            self.assertEqual(response.status_code, 302, path)
            self.assertTrue(response["Location"].startswith(ENROL), path)
        api = self.client.get("/api/v1/search")
        self.assertEqual(api.status_code, 401)
        self.assertIn("xác thực hai bước", api.json()["error"]["message"])


class ResetTests(SecondFactorTestCase):
    def test_an_administrator_resets_a_lost_phone(self) -> None:
        enrolled(self.archivist)
        self.login(self.admin)
        page = self.client.get(RESET)
        self.assertContains(page, self.archivist.username)
        response = self.client.post(RESET, {"username": self.archivist.username})
        self.assertContains(response, "Đã đặt lại xác thực hai bước")
        self.assertFalse(TOTPDevice.objects.filter(user=self.archivist).exists())
        self.assertFalse(StaticDevice.objects.filter(user=self.archivist).exists())
        self.assertEqual(self.actions(AuditAction.SECOND_FACTOR_RESET, self.archivist), 1)
        # At the next sign-in the archivist enrols again.
        self.sign_in(self.archivist)
        self.assertTrue(self.client.get(STAFF_HOME)["Location"].startswith(ENROL))

    def test_nobody_else_may_reset(self) -> None:
        enrolled(self.archivist)
        for user in (self.head, self.clerk_a, self.reader):
            self.login(user)
            response = self.client.post(RESET, {"username": self.archivist.username})
            self.assertEqual(response.status_code, 403, user.username)
        self.assertTrue(TOTPDevice.objects.filter(user=self.archivist).exists())
