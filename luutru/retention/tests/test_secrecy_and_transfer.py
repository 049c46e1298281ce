"""Secrecy reviews (Luật BVBMNN 2018 Điều 19), holds on transfers, and the transfer into the
historical archive (Luật Lưu trữ 2024 Điều 17)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from luutru.access.workdays import add_working_days
from luutru.accounts.models import Role
from luutru.records.models import Dossier
from luutru.records.tests.factory import make_document, make_dossier, publish
from luutru.retention import actions, services
from luutru.retention.models import (
    HistoricalTransfer,
    Hold,
    HoldKind,
    Secrecy,
    SecrecyLevel,
    SecrecyOutcome,
    TransferState,
)
from luutru.test import BaseTestCase, make_user


class SecrecyTests(BaseTestCase):
    def test_reviews_fall_due_after_10_20_and_30_years(self) -> None:
        classified = datetime.date(2016, 2, 29)
        self.assertEqual(
            services.secrecy_review_on(SecrecyLevel.MAT, classified), datetime.date(2026, 2, 28)
        )
        self.assertEqual(
            services.secrecy_review_on(SecrecyLevel.TOI_MAT, classified), datetime.date(2036, 2, 29)
        )
        self.assertEqual(
            services.secrecy_review_on(SecrecyLevel.TUYET_MAT, classified),
            datetime.date(2046, 2, 28),
        )

    def test_a_due_review_shows_and_declassification_opens_the_dossier(self) -> None:
        dossier = make_dossier(self.agency_a, 1, access_regime="03")
        document = make_document(self.agency_a, dossier, 1, access_regime="03")
        secrecy = actions.set_secrecy(
            dossier,
            level=SecrecyLevel.MAT,
            classified_on=datetime.date(2014, 5, 1),
            actor=self.head,
        )
        self.assertEqual(list(Secrecy.objects.review_due(timezone.localdate())), [secrecy])
        self.assertEqual(services.dashboard().secrecy_due, [secrecy])
        actions.decide_secrecy(
            secrecy,
            outcome=SecrecyOutcome.DECLASSIFY,
            new_regime="01",
            reason="Hết thời hạn bảo vệ, không gia hạn",
            actor=self.head,
        )
        dossier.refresh_from_db()
        document.refresh_from_db()
        self.assertEqual((dossier.access_regime, document.access_regime), ("01", "01"))
        # Opened, not yet published: the portal shows it once the head publishes it.
        self.assertEqual(self.client.get(f"/tai-lieu/{document.archival_code}/").status_code, 404)
        publish(dossier)
        self.assertEqual(self.client.get(f"/tai-lieu/{document.archival_code}/").status_code, 200)
        self.assertFalse(Secrecy.objects.review_due(timezone.localdate()).exists())
        with self.assertRaisesMessage(ValidationError, "đã được giải mật"):
            actions.decide_secrecy(
                secrecy,
                outcome=SecrecyOutcome.EXTEND,
                reason="x",
                new_review_on=datetime.date(2040, 1, 1),
                actor=self.head,
            )

    def test_an_extension_moves_the_review_later_only(self) -> None:
        dossier = make_dossier(self.agency_a, 1, access_regime="03")
        secrecy = actions.set_secrecy(
            dossier,
            level=SecrecyLevel.TOI_MAT,
            classified_on=datetime.date(2010, 1, 1),
            actor=self.head,
        )
        with self.assertRaisesMessage(ValidationError, "phải sau hạn hiện tại"):
            actions.decide_secrecy(
                secrecy,
                outcome=SecrecyOutcome.EXTEND,
                reason="Còn bí mật",
                new_review_on=datetime.date(2029, 1, 1),
                actor=self.head,
            )
        actions.decide_secrecy(
            secrecy,
            outcome=SecrecyOutcome.EXTEND,
            reason="Còn bí mật",
            new_review_on=datetime.date(2040, 1, 1),
            actor=self.head,
        )
        secrecy.refresh_from_db()
        self.assertEqual(secrecy.review_on, datetime.date(2040, 1, 1))
        dossier.refresh_from_db()
        self.assertEqual(dossier.access_regime, "03")


class HoldTests(BaseTestCase):
    def test_a_hold_names_one_target_and_a_reason(self) -> None:
        with self.assertRaisesMessage(ValidationError, "một hồ sơ hoặc một phông"):
            actions.place_hold(kind=HoldKind.INSPECTION, reason="x", actor=self.archivist)
        dossier = make_dossier(self.agency_a, 1)
        with self.assertRaises(ValidationError):
            actions.place_hold(
                kind=HoldKind.INSPECTION, reason=" ", dossier=dossier, actor=self.archivist
            )
        with self.assertRaises(IntegrityError):
            Hold.objects.create(
                kind=HoldKind.INSPECTION,
                reason="x",
                dossier=dossier,
                fonds=self.fonds_a,
                placed_by=self.archivist,
            )

    def test_a_lifted_hold_records_who_and_why_and_cannot_be_lifted_twice(self) -> None:
        hold = actions.place_hold(
            kind=HoldKind.LITIGATION,
            reason="Vụ án 3/2026",
            fonds=self.fonds_a,
            actor=self.archivist,
        )
        actions.lift_hold(hold, reason="Bản án có hiệu lực", actor=self.head)
        hold.refresh_from_db()
        self.assertEqual((hold.lifted_by, hold.lift_reason), (self.head, "Bản án có hiệu lực"))
        with self.assertRaisesMessage(ValidationError, "đã được gỡ"):
            actions.lift_hold(hold, reason="again", actor=self.head)


class TransferTests(BaseTestCase):
    def permanent(self, number: int, ended: int) -> Dossier:
        return make_dossier(
            self.agency_a,
            number,
            code=f"H62.{ended}.{number:02d}",
            retention="01",
            start_date=datetime.date(ended, 1, 1),
            end_date=datetime.date(ended, 12, 1),
            fonds=self.fonds_a,
        )

    def test_permanent_dossiers_are_due_five_years_after_submission(self) -> None:
        self.permanent(1, 2019)  # submitted by 2020, due at the archive by 2025
        self.permanent(2, 2020)  # due by 2026
        make_dossier(
            self.agency_b,
            3,
            retention="01",
            end_date=datetime.date(2010, 1, 2),
            start_date=datetime.date(2010, 1, 1),
        )  # agency B transfers nowhere
        self.assertEqual([d.code for d in services.transfers_due(2025)], ["H62.2019.01"])
        self.assertEqual(len(services.transfers_due(2026)), 2)

    def test_plan_submit_reply_and_receive(self) -> None:
        dossier = self.permanent(1, 2019)
        archivist_a = make_user("luutru_a", Role.ARCHIVIST, self.agency_a)
        transfer = actions.plan_transfer(
            agency=self.agency_a, year=2026, dossiers=[dossier], actor=archivist_a
        )
        self.assertEqual(list(services.transfers_due(2026)), [])
        transfer = actions.submit_transfer(transfer, actor=archivist_a)
        self.assertEqual(transfer.reply_by, add_working_days(timezone.localdate(), 7))
        transfer = actions.reply_transfer(
            transfer, accept=False, reply="Bổ sung mục lục", actor=self.head
        )
        self.assertEqual(transfer.state, TransferState.RETURNED)
        transfer = actions.submit_transfer(transfer, actor=archivist_a)
        transfer = actions.reply_transfer(transfer, accept=True, reply="", actor=self.head)
        hold = actions.place_hold(
            kind=HoldKind.INSPECTION, reason="Thanh tra", dossier=dossier, actor=self.archivist
        )
        with self.assertRaisesMessage(ValidationError, "tạm dừng chuyển giao"):
            actions.receive_transfer(transfer, actor=self.archivist)
        actions.lift_hold(hold, reason="Xong", actor=self.head)
        transfer = actions.receive_transfer(transfer, actor=self.archivist)
        self.assertEqual(transfer.state, TransferState.RECEIVED)

    def test_a_held_or_non_permanent_dossier_is_not_planned(self) -> None:
        dossier = self.permanent(1, 2019)
        ten_years = make_dossier(self.agency_a, 2, retention="06")
        actions.place_hold(
            kind=HoldKind.REQUEST, reason="Yêu cầu", fonds=self.fonds_a, actor=self.archivist
        )
        with self.assertRaisesMessage(ValidationError, "tạm dừng chuyển giao") as caught:
            actions.plan_transfer(
                agency=self.agency_a, year=2026, dossiers=[dossier, ten_years], actor=self.archivist
            )
        self.assertIn("không phải hồ sơ lưu trữ vĩnh viễn", str(caught.exception))
        self.assertFalse(HistoricalTransfer.objects.exists())
