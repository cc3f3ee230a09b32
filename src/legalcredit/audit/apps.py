from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "legalcredit.audit"
    verbose_name = "安全审计"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import guard, receivers  # noqa: F401  (receivers connects the write and login receivers)

        post_migrate.connect(guard.on_post_migrate, sender=self)
