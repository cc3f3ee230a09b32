from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "legalcredit.inspections"
    verbose_name = "双随机抽查"

    def ready(self):
        from legalcredit.records.signals import records_changed

        from . import tasks

        records_changed.connect(tasks.on_records_changed, dispatch_uid="inspections.results_published")
