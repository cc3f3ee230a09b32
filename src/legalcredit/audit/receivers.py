"""Every write and every login lands in the audit trail.

Writes are taken from simple-history's signal: every tracked model's change
already carries its user and reason there, so no service can forget to log.
"""
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from . import services
from .models import AuditEntry

_ACTIONS = {"+": AuditEntry.Action.CREATE, "~": AuditEntry.Action.UPDATE,
            "-": AuditEntry.Action.DELETE}


def _request():
    return getattr(HistoricalRecords.context, "request", None)


@receiver(post_create_historical_record)
def audit_write(sender, instance, history_instance, history_user, history_change_reason, **kw):
    changed = []
    prev = history_instance.prev_record
    if prev is not None:
        changed = sorted(c.field for c in history_instance.diff_against(prev).changes)
    services.record(
        action=_ACTIONS.get(history_instance.history_type, AuditEntry.Action.UPDATE),
        actor=history_user, object_type=instance._meta.concrete_model._meta.label_lower,
        object_id=instance.pk, summary=str(instance)[:300], reason=history_change_reason or "",
        request=_request(), data={"changed": changed, "history_id": history_instance.pk})


@receiver(user_logged_in)
def audit_login(sender, request, user, **kw):
    services.record(action=AuditEntry.Action.LOGIN, actor=user, request=request,
                    object_type="auth.user", object_id=user.pk, summary=user.get_username())


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kw):
    if user is not None:
        services.record(action=AuditEntry.Action.LOGOUT, actor=user, request=request,
                        object_type="auth.user", object_id=user.pk, summary=user.get_username())


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kw):
    services.record(action=AuditEntry.Action.LOGIN_FAILED, request=request,
                    summary=str(credentials.get("username", ""))[:150])
