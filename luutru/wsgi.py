"""WSGI entry point for gunicorn: `gunicorn luutru.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luutru.settings")
application = get_wsgi_application()
# Load the URL map, and with it every view, now: otherwise each worker's first visitor waits
# seconds for the imports (operators' commands skip this, lib/commands.py).
get_resolver().url_patterns  # noqa: B018
