from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "legalcredit.reports"
    verbose_name = "信用报告"
