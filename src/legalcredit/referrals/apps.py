from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "legalcredit.referrals"
    verbose_name = "行政处罚与行业惩戒衔接"

    def ready(self):
        from legalcredit.records.signals import records_changed

        from . import tasks

        records_changed.connect(tasks.on_records_changed, dispatch_uid="referrals.refer")
