"""Each family's number of published members (``FamilySize``), kept by triggers on
``search_familymember`` on both back ends, in the same transaction as the write: whatever writes
a member (the families' code, a rebuild, a cascade from a deleted catalog record), the size
follows. Until this migration search counted the family's members: a cost linear in its size."""

from django.db import migrations, models

TABLE = "search_familysize"

#: add one to NEW's family / take one from OLD's (a family left with none loses its row)
_ADD = (
    f"INSERT INTO {TABLE} (family_id, published) VALUES (NEW.family_id, 1) "
    f"ON CONFLICT (family_id) DO UPDATE SET published = {TABLE}.published + 1"
)
_TAKE = (
    f"UPDATE {TABLE} SET published = published - 1 WHERE family_id = OLD.family_id; "
    f"DELETE FROM {TABLE} WHERE family_id = OLD.family_id AND published <= 0"
)

POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION search_family_size() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.family_id = OLD.family_id
                AND NEW.published = OLD.published THEN
            RETURN NULL;
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.published THEN
            {_TAKE};
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.published THEN
            {_ADD};
        END IF;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS search_family_size ON search_familymember",
    "CREATE TRIGGER search_family_size AFTER INSERT OR DELETE OR UPDATE OF family_id, published "
    "ON search_familymember FOR EACH ROW EXECUTE FUNCTION search_family_size()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_family_size ON search_familymember",
    "DROP FUNCTION IF EXISTS search_family_size()",
]
SQLITE_FORWARD = [
    "CREATE TRIGGER IF NOT EXISTS search_family_size_ai AFTER INSERT ON search_familymember "
    f"WHEN NEW.published BEGIN {_ADD}; END",
    "CREATE TRIGGER IF NOT EXISTS search_family_size_ad AFTER DELETE ON search_familymember "
    f"WHEN OLD.published BEGIN {_TAKE}; END",
    "CREATE TRIGGER IF NOT EXISTS search_family_size_au AFTER UPDATE OF family_id, published "
    "ON search_familymember WHEN NEW.family_id <> OLD.family_id OR NEW.published <> OLD.published "
    f"BEGIN UPDATE {TABLE} SET published = published - 1 "
    "WHERE family_id = OLD.family_id AND OLD.published; "
    f"DELETE FROM {TABLE} WHERE family_id = OLD.family_id AND published <= 0; "
    f"INSERT INTO {TABLE} (family_id, published) SELECT NEW.family_id, 1 WHERE NEW.published "
    f"ON CONFLICT (family_id) DO UPDATE SET published = {TABLE}.published + 1; END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_family_size_ai",
    "DROP TRIGGER IF EXISTS search_family_size_ad",
    "DROP TRIGGER IF EXISTS search_family_size_au",
]
FILL = (
    f"INSERT INTO {TABLE} (family_id, published) SELECT family_id, COUNT(*) "
    "FROM search_familymember WHERE published GROUP BY family_id"
)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}.get(vendor)
    if statements is None:
        raise RuntimeError(f"no family-size triggers for {vendor}")
    for statement in [*statements, FILL]:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0007_ranked_ids_sqlite")]

    operations = [
        migrations.CreateModel(
            name="FamilySize",
            fields=[
                ("family_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("published", models.IntegerField(default=0)),
            ],
            options={"verbose_name": "family size", "verbose_name_plural": "family sizes"},
        ),
        migrations.RunPython(forward, backward),
    ]
