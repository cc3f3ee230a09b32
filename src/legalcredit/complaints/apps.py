from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "legalcredit.complaints"
    verbose_name = "投诉处理"
