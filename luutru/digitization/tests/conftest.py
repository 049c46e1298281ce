"""Digitized PDF/As are signed by the archive (TT 05/2025 Điều 8): the tests' archive holds the
demo certificate that ``luutru access_demo_cert`` and ``make demo`` make."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def archive_certificate() -> None:
    from django.conf import settings

    from luutru.access.signing import write_demo_certificate

    write_demo_certificate(Path(settings.ACCESS_SIGNING_CERT).parent, "Trung tâm Lưu trữ thử")
