from lumbung.catalog import services
from lumbung.core import audit


def test_update_records_who_when_and_which_fields(world):
    services.innovation_update(
        actor=world.officer,
        innovation=world.draft,
        data={"summary": "Ringkasan baru", "novelty": "Berbasis komunitas"},
    )
    entry = audit.history(world.draft).first()
    assert entry.actor == world.officer
    assert entry.action == "innovation.update"
    # the innovation's version is recorded with every write (see catalog.editing)
    assert entry.changed_fields == ["novelty", "summary", "version"]
    assert entry.changes["version"][1] == entry.changes["version"][0] + 1
    assert entry.changes["summary"][1] == "Ringkasan baru"
    assert entry.created_at is not None


def test_update_without_change_writes_no_entry(world):
    before = audit.history(world.draft).count()
    services.innovation_update(
        actor=world.officer, innovation=world.draft, data={"summary": world.draft.summary}
    )
    assert audit.history(world.draft).count() == before


def test_diff_lists_only_changed_keys():
    assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}
