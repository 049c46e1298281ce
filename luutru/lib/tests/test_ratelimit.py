"""Per-address limits on the public doors, the address behind trusted proxies only, and the
body-size limit for everyone but signed-in staff."""

from __future__ import annotations

from django.core.cache import cache
from django.test import RequestFactory, SimpleTestCase, override_settings

from luutru.lib.ratelimit import client_ip
from luutru.test import BaseTestCase

LOGIN = "/tai-khoan/dang-nhap/"
PASSWORD_RESET = "/tai-khoan/quen-mat-khau/"


class ClientAddressTests(SimpleTestCase):
    def address(self, remote: str, forwarded: str | None = None) -> str:
        request = RequestFactory().get("/", REMOTE_ADDR=remote)
        if forwarded is not None:
            request.META["HTTP_X_FORWARDED_FOR"] = forwarded
        return client_ip(request)

    def test_a_forwarded_header_from_a_stranger_is_ignored(self) -> None:
        self.assertEqual(self.address("203.0.113.9", "10.1.1.1"), "203.0.113.9")

    @override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
    def test_behind_trusted_proxies_the_right_most_untrusted_address_counts(self) -> None:
        self.assertEqual(self.address("127.0.0.1", "198.51.100.7"), "198.51.100.7")
        # The client wrote the left-most entry itself; the proxies appended the rest.
        self.assertEqual(
            self.address("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.5"), "198.51.100.7"
        )
        self.assertEqual(self.address("127.0.0.1"), "127.0.0.1")


class DoorLimitTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.addCleanup(cache.clear)

    @override_settings(LOGIN_PER_MINUTE=3)
    def test_sign_in_attempts_are_limited_per_address_whatever_the_user_name(self) -> None:
        statuses = [
            self.client.post(LOGIN, {"username": f"ten{i}", "password": "sai"}).status_code
            for i in range(4)
        ]
        self.assertEqual(statuses, [200, 200, 200, 429])
        refused = self.client.post(LOGIN, {"username": "khac", "password": "sai"})
        self.assertIn("Quá nhiều yêu cầu", refused.content.decode())
        self.assertIn("Retry-After", refused)
        # Another address is still served, and reading the form is never counted.
        other = self.client.post(
            LOGIN, {"username": "x", "password": "y"}, REMOTE_ADDR="198.51.100.1"
        )
        self.assertEqual(other.status_code, 200)
        self.assertEqual(self.client.get(LOGIN).status_code, 200)

    @override_settings(LOGIN_PER_MINUTE=2)
    def test_a_forged_forwarded_header_does_not_escape_the_limit(self) -> None:
        statuses = [
            self.client.post(
                LOGIN,
                {"username": "a", "password": "b"},
                HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
            ).status_code
            for i in range(3)
        ]
        self.assertEqual(statuses, [200, 200, 429])

    @override_settings(PASSWORD_RESET_PER_MINUTE=2)
    def test_password_reset_mail_is_limited_per_address(self) -> None:
        statuses = [
            self.client.post(PASSWORD_RESET, {"email": f"ai{i}@example.vn"}).status_code
            for i in range(3)
        ]
        self.assertEqual(statuses, [302, 302, 429])

    @override_settings(OAI_PER_MINUTE=2)
    def test_oai_pmh_is_limited_per_address(self) -> None:
        statuses = [self.client.get("/oai", {"verb": "Identify"}).status_code for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])

    @override_settings(IIIF_PER_MINUTE=1)
    def test_iiif_is_limited_per_address(self) -> None:
        statuses = [self.client.get("/iiif/KHONG-CO/manifest").status_code for _ in range(2)]
        self.assertEqual(statuses, [404, 429])

    @override_settings(API_ANON_PER_MINUTE=1, TRUSTED_PROXIES=["127.0.0.1"])
    def test_the_api_counts_the_address_nginx_forwards(self) -> None:
        url = f"/api/v1/agencies/{self.agency_a.code}"
        first = self.client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1")
        second = self.client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.2")
        again = self.client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1")
        self.assertEqual(
            [first.status_code, second.status_code, again.status_code], [200, 200, 429]
        )


@override_settings(PUBLIC_MAX_BODY_BYTES=1024)
class BodyLimitTests(BaseTestCase):
    big = "x" * 4096

    def test_an_anonymous_visitor_cannot_send_a_large_body(self) -> None:
        for path in ("/oai", LOGIN, "/api/v1/transfers"):
            response = self.client.post(path, {"verb": "Identify", "padding": self.big})
            self.assertEqual(response.status_code, 413, path)
            self.assertIn("Dữ liệu gửi lên quá lớn", response.content.decode())

    def test_a_reader_cannot_either(self) -> None:
        self.login(self.reader)
        response = self.client.post("/oai", {"verb": "Identify", "padding": self.big})
        self.assertEqual(response.status_code, 413)

    def test_signed_in_staff_may(self) -> None:
        self.login(self.clerk_a)
        response = self.client.post("/oai", {"verb": "Identify", "padding": self.big})
        self.assertEqual(response.status_code, 200)

    def test_small_forms_from_anyone_pass(self) -> None:
        response = self.client.post("/oai", {"verb": "Identify"})
        self.assertEqual(response.status_code, 200)
