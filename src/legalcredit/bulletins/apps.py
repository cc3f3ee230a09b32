from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "legalcredit.bulletins"
    verbose_name = "通报公示"
