from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*"))
def seal_trail() -> int:
    """Link what was written since the last run into the hash chain (deferred sealing)."""
    return services.seal()
