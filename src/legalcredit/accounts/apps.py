from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "legalcredit.accounts"
    verbose_name = "账户与辖区"
