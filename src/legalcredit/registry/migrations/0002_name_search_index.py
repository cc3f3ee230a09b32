"""The name search index (see registry/search_index.py), one form per database.

The SQL is frozen here rather than imported, so this migration keeps meaning
what it meant when later versions change the index.
"""
from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE registry_name_fts USING fts5("
    "subject_id UNINDEXED, region UNINDEXED, kind UNINDEXED, chars,"
    " tokenize='unicode61 remove_diacritics 0')",
]
# No foreign key to registry_subject: derived data that search_index.rebuild()
# recreates, and an FK Django does not know of would block TRUNCATE in `flush`.
POSTGRES = [
    "CREATE TABLE registry_name_index ("
    " subject_id bigint NOT NULL, region varchar(6) NOT NULL, kind varchar(20) NOT NULL,"
    " name text NOT NULL, pairs text[] NOT NULL)",
    "CREATE INDEX registry_name_index_pairs ON registry_name_index USING gin (pairs)",
    "CREATE INDEX registry_name_index_subject ON registry_name_index (subject_id)",
]
DROP = {"sqlite": ["DROP TABLE registry_name_fts"], "postgresql": ["DROP TABLE registry_name_index"]}


def create(apps, schema_editor):
    for sql in SQLITE if schema_editor.connection.vendor == "sqlite" else POSTGRES:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in DROP[schema_editor.connection.vendor]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
