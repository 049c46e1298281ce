"""What each role may do, as data: permission names that views and other apps ask for.

Lower layers ask ``user.has_perm("audit.view_auditevent")`` and never import this module;
``RoleBackend`` answers from the user's memberships. Permissions are per role, not per agency:
which agencies' rows a user sees is ``agencies_in_scope`` (services.py).
"""

from __future__ import annotations

from luutru.accounts.models import Role

ALL = "*"
VIEW_ORGANIZATIONS = frozenset({"organizations.view_agency", "organizations.view_fonds"})
# Collection (thu thập): transfers, dossiers, documents and file plans, read-only.
VIEW_COLLECTION = frozenset(
    {
        "ingest.view_transfer",
        "records.view_dossier",
        "records.view_document",
        "records.view_fileplan",
    }
)
# Văn thư and lưu trữ viên hand over packages and keep the file plans (danh mục hồ sơ).
WORK_COLLECTION = frozenset({"ingest.add_transfer", "records.change_fileplan"})
STAFF_VIEW = VIEW_ORGANIZATIONS | VIEW_COLLECTION
# Kiểm soát mô tả: archivists and heads correct descriptions, file loose documents, move dossiers.
DESCRIBE = frozenset({"records.change_dossier", "records.change_document"})
# Số hóa: archivists scan, review and accept batches; heads and the KPI viewer follow them.
VIEW_DIGITIZATION = frozenset({"digitization.view_scanbatch"})
DIGITIZE = VIEW_DIGITIZATION | {"digitization.add_scanbatch"}
# Preservation (bảo quản): the dashboard, incidents and AIPs; administrators also close
# incidents and start audits (they hold every permission).
VIEW_PRESERVATION = frozenset({"preservation.view_preservation"})
# Khai thác: archivists and heads handle readers' accounts and requests (heads also approve).
HANDLE_REQUESTS = frozenset({"access.view_accessrequest"})
# The archive decides on a received transfer (tiếp nhận or trả lại); never its clerk, who
# submitted it (ingest.actions refuses the submitter).
ACCEPT_TRANSFERS = frozenset({"ingest.accept_transfer"})
ARCHIVE_DECISIONS = HANDLE_REQUESTS | ACCEPT_TRANSFERS
# Công bố: heads of an archive decide what the public sees (publish, withdraw, a fonds' policy)
# and change access regimes, with the legal basis; administrators hold every permission.
PUBLISH = frozenset({"records.publish_record", "records.change_access_regime"})
# Nhật ký hệ thống: the archive's head reads the audit trail (administrators hold everything).
AUDIT_TRAIL = frozenset({"audit.view_auditevent"})
# Xác thực hai bước: archivists and heads (and administrators, who hold every permission) must
# confirm each sign-in with a one-time code (accounts.middleware.SecondFactorMiddleware).
SECOND_FACTOR = frozenset({"accounts.need_second_factor"})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CLERK: STAFF_VIEW | WORK_COLLECTION,
    Role.ARCHIVIST: STAFF_VIEW
    | WORK_COLLECTION
    | DIGITIZE
    | VIEW_PRESERVATION
    | ARCHIVE_DECISIONS
    | DESCRIBE
    | SECOND_FACTOR,
    Role.HEAD: STAFF_VIEW
    | AUDIT_TRAIL
    | VIEW_DIGITIZATION
    | VIEW_PRESERVATION
    | ARCHIVE_DECISIONS
    | PUBLISH
    | DESCRIBE
    | SECOND_FACTOR,
    Role.COUNCIL: STAFF_VIEW,
    Role.KPI_VIEWER: STAFF_VIEW | VIEW_DIGITIZATION | {"reports.view_kpi"},
    Role.ADMIN: frozenset({ALL}),
    Role.READER: frozenset(),
}

# Lưu giữ và loại hủy: archivists list what is due, run the council and carry out a decided
# destruction, place holds; heads also decide the destruction and secrecy reviews; council
# members see the rounds (they vote on those they sit on). Schedules: administrators (ALL).
# The historical archive's reply to a transfer, the handover and AIP imports need
# ``review_transfer``, and ``retention.actions`` also asks that the person be staff of that
# archive's agency (never of the agency transferring).
VIEW_RETENTION = frozenset({"retention.view_appraisal"})
REVIEW_TRANSFER = frozenset({"retention.review_transfer"})
RETENTION_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ARCHIVIST: VIEW_RETENTION
    | REVIEW_TRANSFER
    | {
        "retention.carry_out_disposal",
        "retention.place_hold",
        "retention.change_historicaltransfer",
    },
    Role.HEAD: VIEW_RETENTION
    | REVIEW_TRANSFER
    | {"retention.decide_disposal", "retention.review_secrecy"},
    Role.COUNCIL: VIEW_RETENTION,
}
for _role, _granted in RETENTION_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _granted

# Triển lãm trực tuyến: archivists curate exhibitions and keep the anniversaries; heads also
# publish them (and take them down).
CURATE = frozenset({"exhibitions.view_exhibition", "exhibitions.change_exhibition"})
EXHIBITION_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ARCHIVIST: CURATE,
    Role.HEAD: CURATE | {"exhibitions.publish_exhibition"},
}
for _role, _granted in EXHIBITION_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _granted

# Roles whose scope is the whole installation rather than one agency's part of the tree.
PROVINCE_WIDE_ROLES = frozenset({Role.ADMIN, Role.KPI_VIEWER})
