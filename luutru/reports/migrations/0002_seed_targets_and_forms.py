"""Seed the targets and report forms (luutru/reports/seed.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from luutru.reports.seed import seed


def load(apps: Any, schema_editor: Any) -> None:
    seed(apps.get_model("reports", "Target"), apps.get_model("reports", "ReportForm"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
