"""Seed the regions (Kemendagri codes) from organisations/data/regions.csv."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "regions.csv"


def load(apps, schema_editor):
    Region = apps.get_model("organisations", "Region")
    with DATA.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        parent = row["code"].split(".")[0] if "." in row["code"] else None
        Region.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "level": row["level"], "parent_id": parent},
        )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
