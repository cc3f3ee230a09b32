from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "legalcredit.lists"
    verbose_name = "信用名单"
