"""Test-wide set-up shared by every app's tests."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

_SCRATCH: list[Path] = []


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Argon2 is deliberately slow; tests create many users. test_passwords checks Argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Stored files, unpacked packages and uploads of a test run never land in ./var.
    scratch = Path(tempfile.mkdtemp(prefix="luutru-test-files-"))
    _SCRATCH.append(scratch)
    settings.STORAGE_ROOT = scratch / "files"
    settings.REPLICA_ROOT = scratch / "replica"
    settings.INGEST_WORK_DIR = scratch / "work"
    settings.DIGITIZATION_WORK_DIR = scratch / "digitization"
    settings.INGEST_UPLOAD_DIR = scratch / "incoming"
    settings.SEARCH_INDEX_DIR = scratch / "search"
    settings.ACCESS_DELIVERY_DIR = scratch / "deliveries"
    settings.ACCESS_SIGNING_KEY = scratch / "signing" / "archive.key"
    settings.ACCESS_SIGNING_CERT = scratch / "signing" / "archive.crt"
    settings.ACCESS_SIGNING_CHAIN = [str(scratch / "signing" / "ca.crt")]
    settings.DERIVED_DIR = scratch / "derived"
    # No limit on anonymous API calls: tests make many from one address; test_cli_and_api
    # turns it on to check the 429.
    settings.API_ANON_PER_MINUTE = 0
    # The same for the other per-address limits (lib/ratelimit.py); their tests turn them on.
    settings.LOGIN_PER_MINUTE = 0
    settings.PASSWORD_RESET_PER_MINUTE = 0
    settings.OAI_PER_MINUTE = 0
    settings.IIIF_PER_MINUTE = 0
    # Door counts are written at once, so a test sees the use it made.
    settings.DOOR_COUNT_FLUSH_SECONDS = 0


def pytest_unconfigure(config: pytest.Config) -> None:
    for scratch in _SCRATCH:
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_page_cache() -> None:
    """Each test starts with no cached page: the page generation lives in the test database,
    which is rolled back between tests, while the in-memory cache is not."""
    from django.core.cache import cache

    cache.clear()
