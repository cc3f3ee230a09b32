from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "legalcredit.exchange"
    verbose_name = "数据交换"
