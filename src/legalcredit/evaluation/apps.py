from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "legalcredit.evaluation"
    verbose_name = "信用评价"

    def ready(self):
        from legalcredit.records.signals import records_changed

        from . import tasks

        records_changed.connect(tasks.on_records_changed, dispatch_uid="evaluation.reevaluate")
