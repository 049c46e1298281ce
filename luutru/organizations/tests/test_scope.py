"""What part of the province each staff role works with."""

from __future__ import annotations

from luutru.organizations.services import agencies_in_scope
from luutru.test import BaseTestCase, make_agency


class ScopeTests(BaseTestCase):
    def codes(self, user: object) -> set[str]:
        return set(agencies_in_scope(user).values_list("code", flat=True))

    def test_a_clerk_sees_their_agency_and_what_is_below_it(self) -> None:
        make_agency("000.01.04.H62", "Phòng Quản lý xây dựng", self.agency_b)
        self.assertEqual(self.codes(self.clerk_b), {"000.00.04.H62", "000.01.04.H62"})

    def test_the_historical_archive_sees_the_agencies_that_transfer_to_it(self) -> None:
        self.assertEqual(
            self.codes(self.archivist), {"000.02.01.H62", "000.00.03.H62"}
        )  # the archive itself and Sở Tài chính, which transfers there; not Sở Xây dựng

    def test_administrators_and_kpi_viewers_see_the_whole_province(self) -> None:
        everything = {"000.00.00.H62", "000.00.03.H62", "000.00.04.H62", "000.02.01.H62"}
        self.assertEqual(self.codes(self.admin), everything)
        self.assertEqual(self.codes(self.kpi), everything)

    def test_readers_and_inactive_staff_see_nothing(self) -> None:
        self.assertEqual(self.codes(self.reader), set())
        self.clerk_a.is_active = False
        self.assertEqual(self.codes(self.clerk_a), set())
