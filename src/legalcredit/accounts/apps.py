from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "legalcredit.accounts"
    verbose_name = "账户与权限"

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI security scheme)
