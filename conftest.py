"""Test-wide set-up shared by every app's tests."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Argon2 is deliberately slow; tests create many users. test_passwords checks Argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
