"""URL map. Staff pages live under /quan-tri/, accounts under /tai-khoan/, the JSON API under
/api/v1/, the public site at /. Every app's URLconf has its ``app_name``: names are reversed as
``"portal:home"``, ``"staff:search"``, ``"accounts:login"``, …"""

from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

urlpatterns = [
    # A forged language switch only changes the visitor's language, so the switcher needs no
    # CSRF token: public pages then carry nothing per visitor and can be cached for all
    # (portal/cache.py).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("tai-khoan/", include("luutru.accounts.urls")),
    path("quan-tri/", include("luutru.staff.urls")),
    path("quan-tri/", include("luutru.organizations.urls")),
    path("quan-tri/", include("luutru.audit.urls")),
    path("quan-tri/", include("luutru.ingest.urls")),
    path("quan-tri/", include("luutru.records.urls")),
    path("quan-tri/", include("luutru.digitization.urls")),
    path("quan-tri/", include("luutru.preservation.urls")),
    path("quan-tri/", include("luutru.retention.urls")),
    path("quan-tri/", include("luutru.reports.urls")),
    path("", include("luutru.exhibitions.urls")),
    path("", include("luutru.access.urls")),
    path("api/v1/", include("luutru.api.urls")),
    path("", include("luutru.portal.urls")),
]
