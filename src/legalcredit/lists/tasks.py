from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_periodic_task(crontab(hour="0", minute="20"))
def expire_entries() -> int:
    return services.expire()


@db_task()
def follow_records(record_ids: list[int]) -> int:
    """New adverse records end honor listings and may make list proposals by rule."""
    return services.honor_exits(record_ids) + len(services.propose_by_rule(record_ids))


def on_records_changed(sender, subject_ids, record_ids=(), **kwargs) -> None:
    record_ids = list(record_ids)
    for i in range(0, len(record_ids), 5000):   # one IN (...) per task; SQLite caps query parameters
        follow_records(record_ids[i:i + 5000])
