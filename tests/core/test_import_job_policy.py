"""Who sees an import (its file and report) and who starts it: its uploader; platform admins see
every import but start none of another's (it runs with its uploader's rights)."""

from __future__ import annotations

import pytest

from lumbung.core.actors import ANONYMOUS, SYSTEM
from lumbung.core.imports.models import ImportJob
from lumbung.core.imports.policies import jobs
from tests.core.test_policy_agreement import disagreements

pytestmark = pytest.mark.django_db


def _job(user) -> ImportJob:
    return ImportJob.objects.create(
        kind="units",
        filename="a.csv",
        content=b"agency,name\n",
        size=12,
        language="id",
        created_by=user,
    )


def test_the_uploader_sees_and_starts_platform_admins_see(world):
    own, other, orphan = _job(world.admin), _job(world.officer), _job(None)
    assert jobs.can(world.admin, "view", own) and jobs.can(world.admin, "confirm", own)
    assert not jobs.can(world.admin, "view", other)
    assert not jobs.can(world.other_admin, "view", own)
    assert jobs.can(world.platform_admin, "view", other)
    assert not jobs.can(world.platform_admin, "confirm", other)
    assert not jobs.can(ANONYMOUS, "view", own)
    assert jobs.can(SYSTEM, "view", orphan) and not jobs.can(SYSTEM, "confirm", orphan)
    people = [world.admin, world.officer, world.other_admin, world.platform_admin, world.nobody]
    wrong = [
        d
        for who in [*people, ANONYMOUS, SYSTEM]
        for action in jobs.actions
        for d in disagreements(who, jobs, action, {})
    ]
    assert not wrong, wrong
