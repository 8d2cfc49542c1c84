"""The first tier of the PostgreSQL index: the name group's terms (name, acronym and its expansion)
in a narrow table with its own GIN index, kept in step with ``search_searchdocument`` by a trigger (in the same transaction). On
SQLite the table stays empty: FTS5 ranks its own matches fast enough without a tier."""

from django.db import migrations, models

HEAD_TSV = "setweight(to_tsvector('simple', coalesce({row}.name, '')), 'A')"

POSTGRES_FORWARD = [
    "ALTER TABLE search_searchhead ADD COLUMN IF NOT EXISTS tsv tsvector",
    f"""CREATE OR REPLACE FUNCTION search_head_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('lumbung.search_bulk_load', true) = 'on' THEN
            RETURN NULL;  -- a rebuild refills the table in one statement at its end
        END IF;
        IF TG_OP = 'DELETE' OR NEW.innovation_id <> OLD.innovation_id THEN
            DELETE FROM search_searchhead WHERE innovation_id = OLD.innovation_id;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        INSERT INTO search_searchhead (innovation_id, tsv)
        VALUES (NEW.innovation_id, {HEAD_TSV.format(row="NEW")})
        ON CONFLICT (innovation_id) DO UPDATE SET tsv = EXCLUDED.tsv;
        RETURN NEW;
    END $$""",
    "DROP TRIGGER IF EXISTS search_head_sync ON search_searchdocument",
    "CREATE TRIGGER search_head_sync AFTER INSERT OR UPDATE OR DELETE ON search_searchdocument "
    "FOR EACH ROW EXECUTE FUNCTION search_head_sync()",
    "INSERT INTO search_searchhead (innovation_id, tsv) "
    f"SELECT d.innovation_id, {HEAD_TSV.format(row='d')} FROM search_searchdocument AS d "
    "ON CONFLICT (innovation_id) DO NOTHING",
    "CREATE INDEX IF NOT EXISTS search_head_tsv_gin ON search_searchhead USING gin (tsv)",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_head_sync ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_head_sync()",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_backends")]

    operations = [
        migrations.CreateModel(
            name="SearchHead",
            fields=[
                ("innovation_id", models.BigIntegerField(primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "search head",
                "verbose_name_plural": "search heads",
            },
        ),
        migrations.RunPython(forward, backward),
    ]
