from django.apps import AppConfig


class RemediesConfig(AppConfig):
    name = "legalcredit.remedies"
    verbose_name = "信用承诺、修复与异议"

    def ready(self):
        from legalcredit.records.signals import records_changed

        from . import tasks

        records_changed.connect(tasks.on_records_changed, dispatch_uid="remedies.repair_notices")
