from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*"))
def seal_trail() -> int:
    """Link what was written since the last run into the hash chain (deferred sealing)."""
    return services.seal()


@db_periodic_task(crontab(day="1", hour="2", minute="20"))
def open_access_review():
    """查询使用审查: on the first of the month, the review of the month before."""
    import datetime as dt

    from django.utils import timezone

    from . import reviews

    first = timezone.localdate().replace(day=1)
    return reviews.open_review(first - dt.timedelta(days=1)).pk


@db_periodic_task(crontab(hour="3", minute="30"))
def verify_trail():
    """Every night: the whole chain and the append-only guard verified, a failure reported."""
    return services.check_chain().pk
