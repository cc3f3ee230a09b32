from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from legalcredit.records.signals import in_chunks

from . import services


@db_periodic_task(crontab(hour="0", minute="20"))
def expire_entries() -> int:
    return services.expire()


@db_task()
def follow_records(record_ids: list[int]) -> int:
    """New adverse records end honor listings and may make list proposals by rule."""
    return services.honor_exits(record_ids) + len(services.propose_by_rule(record_ids))


on_records_changed = in_chunks(follow_records)
