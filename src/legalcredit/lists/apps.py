from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "legalcredit.lists"
    verbose_name = "信用名单"

    def ready(self):
        from legalcredit.records.signals import records_changed

        from . import tasks

        records_changed.connect(tasks.on_records_changed, dispatch_uid="lists.honor_exits")
