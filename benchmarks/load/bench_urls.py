"""The product's URLs and, for the load benchmark only, a minimal view: the baseline every
endpoint's throughput is a ratio to (the whole middleware stack, no database, no template)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from lumbung.platform.urls import urlpatterns as product_urlpatterns


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *product_urlpatterns]
