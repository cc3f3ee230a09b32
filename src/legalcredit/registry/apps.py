from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "legalcredit.registry"
    verbose_name = "主体名录"
