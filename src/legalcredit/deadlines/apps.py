from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "legalcredit.deadlines"
    verbose_name = "办理期限"
