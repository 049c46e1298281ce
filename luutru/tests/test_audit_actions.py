"""The names of audit events (AuditEvent.action) are stored in every audit trail and searched by
administrators: an enum member may be renamed or added, a value never changed or dropped."""

from __future__ import annotations

from django.test import SimpleTestCase

from luutru.access.models import AuditAction as AccessAction
from luutru.accounts.models import AuditAction as AccountsAction
from luutru.api.models import AuditAction as ApiAction
from luutru.audit.labels import ACTION_LABELS, AREAS
from luutru.digitization.models import AuditAction as DigitizationAction
from luutru.exhibitions.models import AuditAction as ExhibitionsAction
from luutru.ingest.models import AuditAction as IngestAction
from luutru.organizations.models import AuditAction as OrganizationsAction
from luutru.preservation.models import AuditAction as PreservationAction
from luutru.records.models import AuditAction as RecordsAction
from luutru.reports.actions import AuditAction as ReportsAction
from luutru.retention.actions import Event as RetentionEvent
from luutru.workers.models import AuditAction as WorkersAction

STORED = {
    AccessAction: {
        "access.reader_approve", "access.request_submit", "access.request_review",
        "access.request_approve", "access.request_reject", "access.request_deliver",
        "access.request_close", "access.delivery_purge", "access.reader_refuse",
    },
    AccountsAction: {
        "accounts.user_create", "accounts.reader_create", "accounts.password_change",
        "accounts.user_activate", "accounts.user_deactivate", "accounts.login",
        "accounts.logout", "accounts.login_failed",
    },
    ApiAction: {"api.token_issued", "api.token_revoked"},
    DigitizationAction: {
        "digitization.batch_create", "digitization.pages_add", "digitization.page_replace",
        "digitization.page_remove", "digitization.page_move", "digitization.batch_accept",
        "digitization.batch_resume", "digitization.batch_reject",
    },
    IngestAction: {
        "ingest.transfer_receive", "ingest.transfer_accept", "ingest.transfer_reject",
        "ingest.transfer_resume", "ingest.leftovers_cleanup", "ingest.files_seal",
    },
    OrganizationsAction: {
        "organizations.agency_create", "organizations.agency_update", "organizations.agency_end",
        "organizations.archive_create", "organizations.fonds_create",
        "organizations.fonds_update", "organizations.fonds_close", "organizations.role_assign",
        "organizations.role_revoke",
    },
    PreservationAction: {
        "preservation.aip_create", "preservation.copy_repaired", "preservation.file_lost",
        "preservation.repair_failed", "preservation.replica_unavailable",
        "preservation.incident_resolve", "preservation.migrate", "preservation.migrate_failed",
        "preservation.fixity_run", "preservation.fixity_request", "preservation.aip_export",
        "preservation.backup", "preservation.backup_failed", "preservation.restore",
        "preservation.aip_version", "preservation.backup_request", "preservation.aip_merge",
    },
    RetentionEvent: {
        "retention.schedule_version", "retention.hold_place", "retention.hold_lift",
        "retention.appraisal_open", "retention.member_add", "retention.vote",
        "retention.item_conclude", "retention.council_close", "retention.disposal_decide",
        "retention.destroy", "retention.destroy_record", "retention.secrecy_set",
        "retention.secrecy_decide", "retention.transfer_plan", "retention.transfer_submit",
        "retention.transfer_reply", "retention.transfer_receive", "retention.custody_move",
        "retention.aip_import",
    },
    WorkersAction: {"workers.task_requeue", "workers.task_abandon"},
    RecordsAction: {
        "records.file_plan_create", "records.plan_entry_add", "records.plan_entry_change",
    },
}  # fmt: skip


class AuditActionNameTests(SimpleTestCase):
    def test_the_names_already_in_audit_trails_are_still_the_names_recorded(self) -> None:
        for enum, stored in STORED.items():
            with self.subTest(enum.__module__):
                self.assertEqual(stored - {member.value for member in enum}, set())

    def test_every_action_has_a_vietnamese_name_for_the_audit_trail_page(self) -> None:
        enums = [*STORED, ExhibitionsAction, ReportsAction, RetentionEvent]
        for enum in enums:
            with self.subTest(enum.__module__):
                unnamed = {m.value for m in enum} - set(ACTION_LABELS)
                self.assertEqual(unnamed, set(), "add them to luutru/audit/labels.py")
                for member in enum:
                    self.assertIn(member.value.partition(".")[0], AREAS)
