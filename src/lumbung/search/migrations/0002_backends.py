"""Back-end structures of the search index, created only on the database that can hold them.

SQLite: an FTS5 table over ``search_searchdocument`` (external content), kept in step by triggers,
so the full-text index commits or rolls back with the innovation's change.
PostgreSQL: a generated ``tsvector`` column (the terms are already analysed in Python, so the
``simple`` configuration only splits them; weights A–D follow the field groups) and a GIN index.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        name, summary, body, meta,
        content='search_searchdocument', content_rowid='innovation_id',
        tokenize='unicode61 remove_diacritics 0'
    )""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, name, summary, body, meta)
        VALUES (new.innovation_id, new.name, new.summary, new.body, new.meta);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, name, summary, body, meta)
        VALUES ('delete', old.innovation_id, old.name, old.summary, old.body, old.meta);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, name, summary, body, meta)
        VALUES ('delete', old.innovation_id, old.name, old.summary, old.body, old.meta);
        INSERT INTO search_fts(rowid, name, summary, body, meta)
        VALUES (new.innovation_id, new.name, new.summary, new.body, new.meta);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    """ALTER TABLE search_searchdocument ADD COLUMN IF NOT EXISTS tsv tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('simple', coalesce(name, '')), 'A')
            || setweight(to_tsvector('simple', coalesce(summary, '')), 'B')
            || setweight(to_tsvector('simple', coalesce(body, '')), 'C')
            || setweight(to_tsvector('simple', coalesce(meta, '')), 'D')
        ) STORED""",
    "CREATE INDEX IF NOT EXISTS search_document_tsv_gin ON search_searchdocument USING gin (tsv)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_tsv_gin",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv",
]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD})


def backward(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD})


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
