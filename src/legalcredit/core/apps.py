from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "legalcredit.core"
    verbose_name = "平台"

    def ready(self):
        from . import timestamps

        timestamps.connect()
