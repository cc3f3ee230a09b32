from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(hour="0", minute="20"))
def expire_entries() -> int:
    return services.expire()
