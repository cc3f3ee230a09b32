from django.apps import AppConfig


class LegalAidConfig(AppConfig):
    name = "legalcredit.legal_aid"
    verbose_name = "法律援助质量"
