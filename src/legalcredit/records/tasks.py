"""Background jobs (huey) of the credit records."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import flows


@db_task()
def import_file(job_id: str) -> str | None:
    job = flows.run_import(job_id)
    return job.state if job else None


@db_task()
def export_file(job_id: str) -> str | None:
    job = flows.run_export(job_id)
    return job.state if job else None


@db_task()
def decide_batch(job_id: str) -> str | None:
    job = flows.run_decision(job_id)
    return job.state if job else None


@db_periodic_task(crontab(minute="5"))
def remove_expired_exports() -> int:
    return flows.remove_expired_exports()
