"""Background jobs (huey) of the credit records."""
from huey.contrib.djhuey import db_task

from . import flows


@db_task()
def import_file(job_id: str) -> str | None:
    job = flows.run_import(job_id)
    return job.state if job else None
