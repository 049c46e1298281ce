"""Template filters for TT 05 coded values: ``{{ dossier.retention|code_label:"retention" }}``."""

from __future__ import annotations

from django import template

from luutru.records.services import code_display

register = template.Library()


@register.filter
def code_label(value: str, list_name: str) -> str:
    """'01' → '01 — Vĩnh viễn' (several comma-separated codes are each labelled), in the
    interface's language."""
    return code_display(list_name, value or "", localized=True)
