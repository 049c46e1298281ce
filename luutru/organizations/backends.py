"""An authorization backend that grants permissions from staff roles (Membership)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from luutru.organizations.models import Membership
from luutru.organizations.roles import ALL, ROLE_PERMISSIONS


class RoleBackend(BaseBackend):
    """Never authenticates; only answers ``has_perm`` from the roles a user holds."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        cached: set[str] | None = getattr(user_obj, "_luutru_role_perms", None)
        if cached is None:
            cached = set()
            roles = Membership.objects.filter(user=user_obj).values_list("role", flat=True)
            for role in set(roles):
                cached |= ROLE_PERMISSIONS.get(role, frozenset())
            user_obj._luutru_role_perms = cached
        return cached

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        perms = self.get_all_permissions(user_obj, obj)
        return ALL in perms or perm in perms
