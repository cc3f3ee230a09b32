"""The nightly complaint alert pass (complaints/alerts.py): registering or deciding a complaint
assesses its subject at once; this applies a new edition of the rules to what is already there,
and picks up an alert a concurrent complaint could not raise."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="1", minute="10"))
def assess_complaint_alerts() -> int:
    from . import alerts

    return alerts.assess_recent()
