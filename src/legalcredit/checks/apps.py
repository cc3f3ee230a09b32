from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "legalcredit.checks"
    verbose_name = "信用核查"
