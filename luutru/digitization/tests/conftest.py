"""Digitized PDF/As are signed by the archive (TT 05/2025 Điều 8): the tests' archive holds the
demo certificate that ``luutru access_demo_cert`` and ``make demo`` make, the same one the
access tests use (one signing directory per test run)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def archive_certificate() -> None:
    from luutru.access.tests.helpers import demo_signing

    demo_signing()
