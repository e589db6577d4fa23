"""The lexical index: surface words for spelling, and the vendor's full-text structures."""

from django.db import migrations, models

# Written out here, not imported from the backends, so this migration stays what it was.
SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, row)",
    "CREATE VIRTUAL TABLE search_words_fts USING fts5(words, "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE search_words_fts_vocab USING fts5vocab(search_words_fts, row)",
]
SQLITE_DROP = [
    "DROP TABLE IF EXISTS search_words_fts_vocab",
    "DROP TABLE IF EXISTS search_words_fts",
    "DROP TABLE IF EXISTS search_fts_vocab",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_CREATE = [
    "ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED",
    "CREATE INDEX search_searchdocument_vector_gin ON search_searchdocument USING gin (vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_searchdocument_vector_gin",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector",
]
STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRES_CREATE, POSTGRES_DROP),
}


def create_index(apps, schema_editor):
    create, _drop = STATEMENTS.get(schema_editor.connection.vendor, ([], []))
    for statement in create:
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    _create, drop = STATEMENTS.get(schema_editor.connection.vendor, ([], []))
    for statement in drop:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="words",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AlterField(
            model_name="searchdocument",
            name="indexed_at",
            field=models.DateTimeField(auto_now=True, db_index=True),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
