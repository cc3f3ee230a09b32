from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "legalcredit.accounts"
    verbose_name = "账户与权限"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import permission_names, schema  # noqa: F401  (schema registers the OpenAPI security scheme)

        # After every app's permissions are created (auth's own handler runs for each app first).
        post_migrate.connect(permission_names.on_post_migrate, dispatch_uid="accounts.permission_names")
