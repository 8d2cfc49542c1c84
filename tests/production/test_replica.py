"""Reports read from a replica when one is configured; everything else from the primary."""

from __future__ import annotations

import pytest
from django.http import HttpResponse, StreamingHttpResponse

from lumbung.catalog.models import Innovation
from lumbung.core import replica
from lumbung.core.replica import ReplicaRouter, reads_from_replica


@pytest.fixture
def with_replica(monkeypatch):
    """As with DATABASE_REPLICA_URL set (the router asks has_replica())."""
    monkeypatch.setattr(replica, "has_replica", lambda: True)


def test_reads_go_to_the_replica_only_inside_a_report(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(Innovation) is None  # the primary
    with replica.replica_reads():
        assert router.db_for_read(Innovation) == "replica"
        assert router.db_for_write(Innovation) == "default"
    assert router.db_for_read(Innovation) is None
    assert router.allow_migrate("replica", "catalog") is False
    assert router.allow_migrate("default", "catalog") is True


def test_without_a_replica_nothing_changes():
    with replica.replica_reads():
        assert ReplicaRouter().db_for_read(Innovation) is None


def test_a_streamed_report_reads_from_the_replica_while_it_is_written(with_replica):
    router = ReplicaRouter()
    seen = []

    @reads_from_replica
    def view(request):
        seen.append(router.db_for_read(Innovation))

        def rows():
            seen.append(router.db_for_read(Innovation))
            yield b"a"

        return StreamingHttpResponse(rows())

    @reads_from_replica
    def plain(request):
        seen.append(router.db_for_read(Innovation))
        return HttpResponse("x")

    response = view(None)
    assert seen == ["replica"]
    assert b"".join(response.streaming_content) == b"a"
    assert seen == ["replica", "replica"]
    plain(None)
    assert seen[-1] == "replica"
    assert router.db_for_read(Innovation) is None
