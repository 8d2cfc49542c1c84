from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from lumbung.platform.api import api
from lumbung.platform.health import healthz, readyz

urlpatterns = [
    path("healthz/", healthz, name="healthz"),  # the process answers
    path("readyz/", readyz, name="readyz"),  # database migrated and reachable, cache answers
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # The language switch carries no CSRF token: a forged request could only change the language
    # a reader sees, and a page without a token is the same for every anonymous visitor, so it can
    # be served from the public page cache (lumbung.core.pagecache).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("accounts/", include("lumbung.web.auth_urls")),  # django.contrib.auth.urls, our templates
    path("cari/", include("lumbung.search.urls")),  # lumbung.search pages
    path("replikasi/", include("lumbung.replication.urls")),
    path("notifikasi/", include("lumbung.notifications.urls")),
    path("kompetisi/", include("lumbung.competitions.urls")),  # rounds, entries, judging
    path("acara/", include("lumbung.events.urls")),  # lumbung.events: learning events
    path("hasil/", include("lumbung.outcomes.urls")),  # outcome indicators and measurements
    path("wawasan/", include("lumbung.insights.urls")),  # dashboards, diffusion, index, reports
    path("instansi/", include("lumbung.organisations.urls")),  # agencies and units
    path("kelola/", include("lumbung.organisations.manage.urls")),  # managing organisations
    path("wilayah/", include("lumbung.organisations.region_urls")),  # the region picker's search
    path("", include("lumbung.catalog.urls")),  # inovasi/, ruang-kerja/, tinjauan/
    path("", include("lumbung.web.urls")),  # last: home and accounts
]

# a JSON 404 for any address under /api/ that no route matches, the page for the others
handler404 = "lumbung.platform.api.page_not_found"
