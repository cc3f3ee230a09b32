from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "legalcredit.checks"
    verbose_name = "信用核查"

    def ready(self):
        from legalcredit.records.signals import records_changed

        from . import tasks

        records_changed.connect(tasks.on_records_changed, dispatch_uid="checks.recheck_watches")
