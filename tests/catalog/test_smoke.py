from lumbung.catalog.models import Innovation


def test_world_builds(world):
    assert Innovation.objects.count() == 4
    assert world.unit.parent_id is None
    assert world.draft.agency_id == world.agency.pk
