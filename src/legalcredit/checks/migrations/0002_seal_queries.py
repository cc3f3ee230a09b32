from django.db import migrations

from legalcredit.core.keys import Column, reseal_step


class Migration(migrations.Migration):
    dependencies = [("checks", "0001_initial")]

    operations = [
        migrations.RunPython(reseal_step(Column("checks_check", "id", "query",
                                                frozenset({"id_number"}))),
                             migrations.RunPython.noop),
    ]
