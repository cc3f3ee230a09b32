from django.apps import AppConfig


class RefdataConfig(AppConfig):
    name = "legalcredit.refdata"
    verbose_name = "基础数据"
