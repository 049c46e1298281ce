"""Glue between forms and actions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.forms import BaseForm

T = TypeVar("T")


def run_action(
    form: BaseForm, action: Callable[[], T], field_map: Mapping[str, str] | None = None
) -> T | None:
    """Run an action; show its ValidationError on the form instead of raising.

    Actions key errors by model field; ``field_map`` renames those whose form field differs.
    Errors on fields the form does not have appear at the top of the form.
    """
    try:
        return action()
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            form.add_error(None, exc.messages)
            return None
        for field, messages in exc.message_dict.items():
            target = (field_map or {}).get(field, field)
            form.add_error(target if target in form.fields else None, messages)
        return None
