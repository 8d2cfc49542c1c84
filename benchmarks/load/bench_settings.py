"""Lumbung's settings plus the benchmark's minimal view (``bench_urls``): the product's own
URLs are not touched. Used only by ``benchmarks/load/run.py`` (``DJANGO_SETTINGS_MODULE``)."""

from lumbung.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
