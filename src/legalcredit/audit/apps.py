from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "legalcredit.audit"
    verbose_name = "安全审计"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the write and login receivers)
