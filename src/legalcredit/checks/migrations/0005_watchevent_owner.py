import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def owners_onto_events(apps, schema_editor):
    Watch, WatchEvent = apps.get_model("checks", "Watch"), apps.get_model("checks", "WatchEvent")
    WatchEvent.objects.update(owner_id=Subquery(Watch.objects.filter(pk=OuterRef("watch_id")).values("owner_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("checks", "0004_push_endpoints"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="watchevent",
            name="owner",
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="关注单位账号"),
        ),
        migrations.RunPython(owners_onto_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="watchevent",
            name="owner",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to=settings.AUTH_USER_MODEL, verbose_name="关注单位账号"),
        ),
        migrations.AddIndex(
            model_name="watchevent",
            index=models.Index(fields=["owner", "id"], name="watchevent_feed_idx"),
        ),
    ]
