"""URL map. Staff pages live under /quan-tri/, accounts under /tai-khoan/, the JSON API under
/api/v1/, the public site at /."""

from django.urls import include, path

from luutru import staff_search, views
from luutru.portal import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),  # the public portal's home page
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/", include("luutru.accounts.urls")),
    path("quan-tri/", views.staff_home, name="staff-home"),
    path("quan-tri/tra-cuu/", staff_search.staff_search, name="staff-search"),
    path("quan-tri/", include("luutru.organizations.urls")),
    path("quan-tri/", include("luutru.audit.urls")),
    path("quan-tri/", include("luutru.ingest.urls")),
    path("quan-tri/", include("luutru.records.urls")),
    path("quan-tri/", include("luutru.digitization.urls")),
    path("quan-tri/", include("luutru.preservation.urls")),
    path("", include("luutru.access.urls")),
    path("api/v1/", include("luutru.api.urls")),
    path("", include("luutru.portal.urls")),
]
