"""What the tests of receiving transfers share: the cast, isolated files, and real received
transfers made by the pipeline from small spreadsheet packages."""

from __future__ import annotations

from typing import Any

from luutru.ingest.actions import ingest, receive_package
from luutru.ingest.models import Transfer, TransferState
from luutru.ingest.tests.factory import package_for
from luutru.ingest.tests.test_views import IsolatedFiles
from luutru.organizations.models import Agency
from luutru.test import BaseTestCase


class ReceivingTestCase(BaseTestCase, IsolatedFiles):
    """The named cast (agency A transfers to the archive its archivist and head work in)."""

    def setUp(self) -> None:
        self.tmp = self.isolate(self)
        self.packages = 0

    def package(self, agency: Agency | None = None, notation: str = "01", **extra: Any) -> Any:
        self.packages += 1
        root = self.tmp / f"goi-{self.packages}"
        return package_for(root, (agency or self.agency_a).code, notation, **extra)

    def received(
        self, agency: Agency | None = None, actor: Any = None, notation: str = "01"
    ) -> Transfer:
        """A valid package of agency A (by default) through the real pipeline: ``received``."""
        agency = agency or self.agency_a
        package = self.package(agency, notation)
        transfer = ingest(receive_package(package, agency=agency, actor=actor))
        self.assertEqual(transfer.state, TransferState.RECEIVED, transfer.errors)
        return transfer
