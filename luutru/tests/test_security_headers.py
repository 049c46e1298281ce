"""HTTP hardening: every page carries a Content-Security-Policy that forbids inline script and
a Permissions-Policy; no template needs inline script; TLS settings follow SECURE_COOKIES; and
`luutru check --deploy` is clean with the production settings of deploy/luutru.env.example.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from luutru.test import BaseTestCase

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *sorted((ROOT / "luutru").glob("*/templates"))]

# <script …> with its attributes; an inline one has no src= (a JSON data block would need
# type="application/json", which browsers never run; we have none, so none is allowed).
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
# onclick=, onload=, oncontextmenu= … as an attribute (preceded by a space inside a tag).
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
# htmx's hx-on* attributes and javascript: URLs run code from the page itself, too.
OTHER_INLINE = re.compile(r"\shx-on(?::|-|\b)|javascript:", re.IGNORECASE)


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


class SecurityHeaderTests(BaseTestCase):
    def test_pages_forbid_inline_script_in_their_content_security_policy(self) -> None:
        for url in ("/", "/tai-khoan/dang-nhap/"):
            response = self.client.get(url)
            policy = directives(response.headers["Content-Security-Policy"])
            self.assertEqual(policy["script-src"], ["'self'"], url)
            self.assertEqual(policy["object-src"], ["'none'"])
            self.assertEqual(policy["base-uri"], ["'self'"])
            self.assertNotIn("'unsafe-inline'", policy["default-src"])

    def test_staff_pages_carry_the_policy_too(self) -> None:
        self.login(self.archivist)
        response = self.client.get("/quan-tri/")
        self.assertEqual(response.status_code, 200)
        policy = directives(response.headers["Content-Security-Policy"])
        self.assertNotIn("'unsafe-inline'", policy["script-src"])
        self.assertNotIn("'unsafe-eval'", policy["script-src"])

    def test_pages_refuse_camera_microphone_and_location(self) -> None:
        header = self.client.get("/").headers["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            self.assertIn(feature, header)


def test_no_template_contains_inline_script_or_event_handlers() -> None:
    offenders = []
    for folder in TEMPLATE_DIRS:
        for path in sorted(folder.rglob("*.html")):
            text = path.read_text(encoding="utf-8")
            where = path.relative_to(ROOT)
            for match in SCRIPT_TAG.finditer(text):
                if "src=" not in match.group(1):
                    offenders.append(f"{where}: <script{match.group(1)}> without src")
            for pattern in (EVENT_HANDLER, OTHER_INLINE):
                for match in pattern.finditer(text):
                    offenders.append(f"{where}: {match.group(0)[-40:]!r}")
    assert offenders == [], "\n".join(offenders)


def test_the_scan_finds_what_it_looks_for() -> None:
    found = [
        bool(SCRIPT_TAG.search("<script>alert(1)</script>")),
        "src=" not in SCRIPT_TAG.findall("<script defer>x</script>")[0],
        bool(EVENT_HANDLER.search('<img src="a.png" onerror="x()">')),
        bool(EVENT_HANDLER.search('<a\n  href="#"\n  onclick="x()">')),
        bool(OTHER_INLINE.search('<button hx-on:click="x()">')),
        bool(OTHER_INLINE.search('<a href="javascript:x()">')),
    ]
    assert all(found)
    assert not EVENT_HANDLER.search('<p class="one">Lưu trữ online=1</p>')


def _settings_with(env: dict[str, str], expression: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"HTTPS", "SECURE_COOKIES"}}
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", f"from luutru import settings as s; print(repr(({expression})))"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


def test_secure_cookies_turn_on_hsts_and_the_proxys_scheme_header() -> None:
    expression = "s.SECURE_HSTS_SECONDS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None)"
    on = _settings_with({"SECURE_COOKIES": "true"}, expression)
    assert on == "(31536000, ('HTTP_X_FORWARDED_PROTO', 'https'))"
    off = _settings_with({}, expression)
    assert off == "(0, None)", "plain http://localhost must keep working"


def test_the_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECURE_COOKIES"}}
    env.update(
        LUUTRU_DATA_DIR=str(tmp_path),
        HTTPS="true",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="luutru.example.gov.vn",
        CSRF_TRUSTED_ORIGINS="https://luutru.example.gov.vn",
    )
    done = subprocess.run(
        [sys.executable, "-m", "luutru.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
