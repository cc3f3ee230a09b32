from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from legalcredit.records.signals import in_chunks


@db_task()
def open_filings(record_ids: list[int]) -> int:
    from . import services

    return len(services.open_filings(record_ids))


on_records_changed = in_chunks(open_filings)


@db_periodic_task(crontab(hour="1", minute="25"))
def open_recent() -> int:
    from . import services

    return services.open_recent()
