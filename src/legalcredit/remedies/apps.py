from django.apps import AppConfig


class RemediesConfig(AppConfig):
    name = "legalcredit.remedies"
    verbose_name = "信用承诺、修复与异议"
