from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "legalcredit.records"
    verbose_name = "信用记录"
