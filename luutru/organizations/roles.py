"""What each role may do, as data: permission names that views and other apps ask for.

Lower layers ask ``user.has_perm("audit.view_auditevent")`` and never import this module;
``RoleBackend`` answers from the user's memberships.
"""

from __future__ import annotations

from luutru.accounts.models import Role

ALL = "*"
VIEW_ORGANIZATIONS = frozenset({"organizations.view_agency", "organizations.view_fonds"})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CLERK: VIEW_ORGANIZATIONS,
    Role.ARCHIVIST: VIEW_ORGANIZATIONS,
    Role.HEAD: VIEW_ORGANIZATIONS,
    Role.COUNCIL: VIEW_ORGANIZATIONS,
    Role.KPI_VIEWER: VIEW_ORGANIZATIONS | {"reports.view_kpi"},
    Role.ADMIN: frozenset({ALL}),
    Role.READER: frozenset(),
}

# Roles whose scope is the whole installation rather than one agency's part of the tree.
PROVINCE_WIDE_ROLES = frozenset({Role.ADMIN, Role.KPI_VIEWER})
