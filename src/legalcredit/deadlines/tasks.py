from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(hour="8", minute="0"))
def remind_and_escalate() -> tuple[int, int]:
    """Every morning: reminders before the last day, escalation after it (by e-mail)."""
    return services.remind_and_escalate()
