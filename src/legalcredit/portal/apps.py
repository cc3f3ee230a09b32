from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "legalcredit.portal"
    verbose_name = "信用信息公示"
