from django.apps import AppConfig


class SatisfactionConfig(AppConfig):
    name = "legalcredit.satisfaction"
    verbose_name = "满意度评价"
