"""Bring the region table to the official list: the 38 provinces and 514 regencies and cities of
Kepmendagri 300.2.2-2138/2025, as in organisations/data/regions.csv (see REGIONS_SOURCE.md).

Before this, the table held 101 regions written from memory, three of them under a wrong code:

=====  ====================================  ==================================================
code   name it carried                       the official facts
=====  ====================================  ==================================================
11.02  Kabupaten Aceh Singkil                Aceh Singkil is 11.10; 11.02 is Kabupaten Aceh
                                             Tenggara
31.71  Kota Administrasi Jakarta Selatan     Jakarta Selatan is 31.74; 31.71 is Jakarta Pusat
31.72  Kota Administrasi Jakarta Timur       Jakarta Timur is 31.75; 31.72 is Jakarta Utara
=====  ====================================  ==================================================

All three codes exist officially, so they take their official names. The records pointing at them
(agencies, units, partners, learning events: every relation to a region) were chosen by the name
shown, never by the code alone, so while such a row still carries its wrong name the mistake is
certain: its records move to the code of that name (the demo's Sentra Handayani, in Jakarta Timur,
moves from 31.72 to 31.75). A database whose rows already carry the official names (a new one,
loaded by 0002 from the corrected file) is not touched by that step.

Then every official region is created or updated by code (name, level, parent). A code that is not
official is deleted when nothing refers to it; when something does, it is kept and reported, for a
person to decide. Running it again changes nothing. Plain ORM: SQLite and PostgreSQL alike.
Reversing it changes nothing (the old rows were wrong).
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "regions.csv"

#: code -> (the name it wrongly carried, the official code of that name)
MISPLACED = {
    "11.02": ("Kabupaten Aceh Singkil", "11.10"),
    "31.71": ("Kota Administrasi Jakarta Selatan", "31.74"),
    "31.72": ("Kota Administrasi Jakarta Timur", "31.75"),
}


def official_rows():
    """The rows of regions.csv (code, name, level, parent): provinces first."""
    with DATA.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _relations(Region):
    """Every foreign key to a region: agencies, units, partners, a region's parent, and the
    hidden ones (``related_name="+"``: a learning event's region)."""
    return [
        field
        for field in Region._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)
    ]


def _records(rel, code):
    return rel.related_model._base_manager.filter(**{rel.field.attname: code})


def _move_records(Region, old, new):
    """Point every record that refers to region ``old`` at ``new``; the number moved."""
    moved = 0
    for rel in _relations(Region):
        moved += _records(rel, old).update(**{rel.field.attname: new})
    return moved


def load(apps, schema_editor, report=print):
    Region = apps.get_model("organisations", "Region")
    rows = official_rows()
    official = {row["code"] for row in rows}
    existing = {region.code: region for region in Region.objects.all()}

    # 1. create the regions that are missing (the right codes of the misplaced ones among them)
    Region.objects.bulk_create(
        [
            Region(
                code=row["code"],
                name=row["name"],
                level=row["level"],
                parent_id=row["parent"] or None,
            )
            for row in rows
            if row["code"] not in existing
        ]
    )

    # 2. records that point at a misplaced code go to the code of the name they were chosen by
    for code, (wrong_name, right_code) in MISPLACED.items():
        region = existing.get(code)
        if region is None or region.name.casefold() != wrong_name.casefold():
            continue
        moved = _move_records(Region, code, right_code)
        report(
            f"  Regions: {code} carried the name “{wrong_name}”, which is {right_code}; "
            f"{moved} record(s) moved to {right_code}."
        )

    # 3. every official region takes its official name, level and province
    changed = []
    for row in rows:
        region = existing.get(row["code"])
        values = (row["name"], row["level"], row["parent"] or None)
        if region is not None and (region.name, region.level, region.parent_id) != values:
            region.name, region.level, region.parent_id = values
            changed.append(region)
    Region.objects.bulk_update(changed, ["name", "level", "parent"])

    # 4. a code that is not official goes, unless something still refers to it (children first)
    for code in sorted(set(existing) - official, reverse=True):
        users = sum(_records(rel, code).count() for rel in _relations(Region))
        if users:
            report(
                f"  Regions: kept {code} “{existing[code].name}”, which is not an official "
                f"Kemendagri code, because {users} record(s) refer to it; choose their region "
                "again and delete it in the admin."
            )
        else:
            Region.objects.filter(code=code).delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0004_unit_tree_without_path")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
