from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "legalcredit.core"
    verbose_name = "平台"

    def ready(self):
        from django.db.models.signals import pre_save

        from . import guards, timestamps

        timestamps.connect()
        pre_save.connect(guards.refuse_too_long, dispatch_uid="legalcredit.core.guards.refuse_too_long")
