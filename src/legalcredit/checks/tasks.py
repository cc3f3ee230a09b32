"""Re-checking watched subjects: at once when their records change, and every ten minutes for what
changes without a record (list entries published or ended, grades, publication periods ending)."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

CHUNK = 5000


def on_records_changed(sender, subject_ids, record_ids=(), **kwargs) -> None:
    from .models import Watch

    if not Watch.objects.filter(ended_at__isnull=True).exists():
        return      # nobody watches anything: no task for each approval
    subject_ids = list(subject_ids)
    for i in range(0, len(subject_ids), CHUNK):
        recheck_subjects(subject_ids[i:i + CHUNK])


@db_task()
def recheck_subjects(subject_ids: list[int]) -> int:
    from . import watches

    return watches.recheck(subject_ids=subject_ids)


@db_periodic_task(crontab(minute="*/10"))
def recheck_watches() -> int:
    from . import watches

    return watches.recheck()
