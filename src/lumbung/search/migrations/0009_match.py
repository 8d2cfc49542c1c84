"""The second tier of the PostgreSQL index: each document's whole ``tsvector`` alone in a narrow
table (``search_searchmatch``) with its own GIN index, kept in step with ``search_searchdocument``
by a trigger (in the same transaction), as ``search_searchhead`` is for the name group.

Why: every statement that finds matches — the facet counts, the totals, ranking every match — read
the matches' rows of ``search_searchdocument``, whose analysed text (~700 bytes) sits beside the
vector (~800 bytes): about three documents per page, 148 MB at 100,000 innovations, more than a
default server keeps in memory, so the facets of a common word read ~15,000 pages from outside
PostgreSQL's buffers (EXPLAIN (ANALYZE, BUFFERS); "warga": 48–134 ms to collect the matches'
ids). The vector alone is about half the size (80 MB), stays in the buffers, and the same ids
take 13 ms. The document's own generated vector column and its GIN index are dropped: one copy of
the vector, computed here, from the same four weighted groups. On SQLite nothing changes (FTS5).
"""

from django.db import migrations, models

#: the document's vector, as ``0002_backends`` generated it: the groups weighted A–D
DOC_TSV = (
    "setweight(to_tsvector('simple', coalesce({row}name, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce({row}summary, '')), 'B') || "
    "setweight(to_tsvector('simple', coalesce({row}body, '')), 'C') || "
    "setweight(to_tsvector('simple', coalesce({row}meta, '')), 'D')"
)

POSTGRES_FORWARD = [
    "ALTER TABLE search_searchmatch ADD COLUMN IF NOT EXISTS tsv tsvector",
    f"""CREATE OR REPLACE FUNCTION search_match_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('lumbung.search_bulk_load', true) = 'on' THEN
            RETURN NULL;  -- a rebuild refills the table in one statement at its end
        END IF;
        IF TG_OP = 'DELETE' OR NEW.innovation_id <> OLD.innovation_id THEN
            DELETE FROM search_searchmatch WHERE innovation_id = OLD.innovation_id;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        INSERT INTO search_searchmatch (innovation_id, tsv)
        VALUES (NEW.innovation_id, {DOC_TSV.format(row="NEW.")})
        ON CONFLICT (innovation_id) DO UPDATE SET tsv = EXCLUDED.tsv;
        RETURN NEW;
    END $$""",
    "DROP TRIGGER IF EXISTS search_match_sync ON search_searchdocument",
    "CREATE TRIGGER search_match_sync AFTER INSERT OR UPDATE OR DELETE ON search_searchdocument "
    "FOR EACH ROW EXECUTE FUNCTION search_match_sync()",
    "INSERT INTO search_searchmatch (innovation_id, tsv) "
    f"SELECT d.innovation_id, {DOC_TSV.format(row='d.')} FROM search_searchdocument AS d "
    "ON CONFLICT (innovation_id) DO NOTHING",
    "CREATE INDEX IF NOT EXISTS search_match_tsv_gin ON search_searchmatch USING gin (tsv)",
    "DROP INDEX IF EXISTS search_document_tsv_gin",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv",
    "ANALYZE search_searchmatch",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_match_sync ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_match_sync()",
    f"""ALTER TABLE search_searchdocument ADD COLUMN IF NOT EXISTS tsv tsvector
        GENERATED ALWAYS AS ({DOC_TSV.format(row="")}) STORED""",
    "CREATE INDEX IF NOT EXISTS search_document_tsv_gin ON search_searchdocument USING gin (tsv)",
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
    dependencies = [("search", "0008_family_size")]

    operations = [
        migrations.CreateModel(
            name="SearchMatch",
            fields=[
                ("innovation_id", models.BigIntegerField(primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "search match",
                "verbose_name_plural": "search matches",
            },
        ),
        migrations.RunPython(forward, backward),
    ]
