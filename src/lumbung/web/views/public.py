from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lumbung.catalog.models import Innovation
from lumbung.catalog.selectors import CatalogFilters, published_innovations
from lumbung.core.pagecache import public_page
from lumbung.organisations.models import Agency
from lumbung.replication.related import running_replications_count


@public_page
def home(request: HttpRequest) -> HttpResponse:
    published = Innovation.objects.filter(publication_state=Innovation.State.PUBLISHED)
    counts = {
        "innovations": published.count(),
        "agencies": Agency.objects.filter(innovations__publication_state=Innovation.State.PUBLISHED)
        .distinct()
        .count(),
        "replicas": running_replications_count(),
        "awarded": published.filter(awards__isnull=False).distinct().count(),
    }
    latest = list(published_innovations(CatalogFilters(sort="newest"))[:6])
    return render(request, "web/home.html", {"counts": counts, "latest": latest})
