from django.db import migrations

from legalcredit.core.keys import Column, reseal_step

# The 双公示 fields that held a person's ID number when sealing began (dual_publication.yaml).
CODES = frozenset({"CF_FR_ZJHM", "CF_XDR_ZJHM", "XK_FR_ZJHM", "XK_XDR_ZJHM"})


class Migration(migrations.Migration):
    dependencies = [("records", "0002_creditrecord_repaired_on")]

    operations = [
        migrations.RunPython(reseal_step(Column("records_creditrecord", "id", "details", CODES),
                                         Column("records_creditrecord", "id", "raw", CODES)),
                             migrations.RunPython.noop),
    ]
