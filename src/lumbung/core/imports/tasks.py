"""The background task of an import (django-tasks; the database backend keeps the queue)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(job_id: int) -> str:
    """Run the queued import ``job_id`` (see :func:`.services.job_run`)."""
    from .services import job_run

    return job_run(job_id)
