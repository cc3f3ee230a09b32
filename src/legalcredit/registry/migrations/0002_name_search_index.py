from django.db import migrations


def create(apps, schema_editor):
    from legalcredit.registry import search_index
    search_index.create(schema_editor)


def drop(apps, schema_editor):
    from legalcredit.registry import search_index
    search_index.drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
