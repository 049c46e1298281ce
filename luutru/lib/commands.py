"""The base of luutru's own management commands, so that they start in well under a second.

Before a command runs, Django runs the system checks, and the URL checks import every view,
which imports the whole application (the ingest pipeline, PDF, OCR and signing libraries):
seconds an operator waits for ``luutru retention due``. Those checks belong to ``luutru check``
and to the web server's start; an operator's command runs the model checks only.
"""

from __future__ import annotations

from django.core.checks import Tags
from django.core.management.base import BaseCommand


class OperatorCommand(BaseCommand):
    """A ``luutru`` command: Django's ``BaseCommand`` without the URL, template and admin checks."""

    requires_system_checks = [Tags.models]
