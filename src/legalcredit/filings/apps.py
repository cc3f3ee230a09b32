from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "legalcredit.filings"
    verbose_name = "行政处罚报送"

    def ready(self):
        from legalcredit.records.signals import records_changed

        from . import tasks

        records_changed.connect(tasks.on_records_changed, dispatch_uid="filings.open")
