import datetime as dt

import pytest

from lumbung.catalog.models import Innovation
from lumbung.outcomes import services
from tests.factories import InnovationFactory

START = dt.date(2022, 1, 1)


def months(n: int, start: dt.date = START) -> dt.date:
    year, month = divmod(start.month - 1 + n, 12)
    return dt.date(start.year + year, month + 1, min(start.day, 28))


@pytest.fixture
def family(world):
    """SWP-like original (published, started 2022-01-01) of the unit, with an indicator
    normalised per 1,000 beneficiaries, and a published replica of the other agency's unit that
    started a year later."""
    original = world.published
    Innovation.objects.filter(pk=original.pk).update(start_date=START)
    original.refresh_from_db()
    replica = InnovationFactory(
        unit=world.other_unit,
        name="Bengkel Kerja Kota",
        publication_state="published",
        source=original,
        replication_form="adaptation",
        generation=1,
    )
    Innovation.objects.filter(pk=replica.pk).update(start_date=dt.date(2023, 1, 1))
    replica.refresh_from_db()
    indicator = services.indicator_create(
        actor=world.officer,
        innovation=original,
        name="Penyandang disabilitas bekerja berpenghasilan",
        unit_of_measure="orang",
        better="higher",
        frequency="quarterly",
        per=1000,
        per_what="penerima manfaat",
    )
    return original, replica, indicator
