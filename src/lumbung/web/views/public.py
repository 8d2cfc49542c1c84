from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lumbung.catalog.models import Award, Innovation
from lumbung.catalog.selectors import CatalogFilters, published_innovations
from lumbung.core import pagecache
from lumbung.core.pagecache import public_page
from lumbung.organisations.models import Agency
from lumbung.replication.related import running_replications_count


def _headline_counts() -> dict[str, int]:
    published = Innovation.objects.filter(publication_state=Innovation.State.PUBLISHED)
    has_published = Innovation.objects.filter(
        agency=OuterRef("pk"), publication_state=Innovation.State.PUBLISHED
    )
    awarded = Award.objects.filter(innovation=OuterRef("pk"))
    return {
        "innovations": published.count(),
        "agencies": Agency.objects.filter(Exists(has_published)).count(),
        "replicas": running_replications_count(),
        "awarded": published.filter(Exists(awarded)).count(),
    }


@public_page
def home(request: HttpRequest) -> HttpResponse:
    counts = pagecache.kept("home-counts", _headline_counts)
    latest = list(published_innovations(CatalogFilters(sort="newest"))[:6])
    return render(request, "web/home.html", {"counts": counts, "latest": latest})
