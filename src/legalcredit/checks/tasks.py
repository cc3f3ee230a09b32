"""Re-checking watched subjects: at once when their records change, and every ten minutes for what
changes without a record (list entries published or ended, grades, publication periods ending)."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from legalcredit.records.signals import in_chunks


@db_task()
def recheck_subjects(subject_ids: list[int]) -> int:
    from . import watches

    return watches.recheck(subject_ids=subject_ids)


_queue_rechecks = in_chunks(recheck_subjects, of="subject_ids")


def on_records_changed(sender, **kwargs) -> None:
    from .models import Watch

    if Watch.objects.filter(ended_at__isnull=True).exists():    # else no task for each approval
        _queue_rechecks(sender, **kwargs)


@db_periodic_task(crontab(minute="*/10"))
def recheck_watches() -> int:
    from . import watches

    return watches.recheck()


@db_task()
def push_events(owner_ids: list[int]) -> int:
    from . import flows

    return flows.deliver_for(owner_ids)


@db_task()
def push_endpoint(endpoint_id: int) -> int:
    from . import flows

    return flows.deliver(endpoint_id)


@db_periodic_task(crontab(minute="*"))
def push_due() -> int:
    """Retries when due, and any push a lost queue message missed."""
    from . import flows

    return flows.deliver_due()
