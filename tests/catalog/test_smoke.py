from lumbung.catalog.models import Innovation


def test_world_builds(world):
    assert Innovation.objects.count() == 4
    assert world.unit.path == f"/{world.unit.pk}/"
    assert world.draft.agency_id == world.agency.pk
