from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from legalcredit.records.signals import in_chunks


@db_task()
def refer_records(record_ids: list[int]) -> int:
    from . import services

    return len(services.refer(record_ids))


on_records_changed = in_chunks(refer_records)


@db_periodic_task(crontab(hour="1", minute="20"))
def refer_recent() -> int:
    from . import services

    return services.refer_recent()
