"""The exchange runs every night when an outbox is configured, and on demand from the back office."""
from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_periodic_task(crontab(hour=str(settings.EXCHANGE_HOUR), minute="40"))
def nightly_exchange():
    if not settings.EXCHANGE_OUTBOX:
        return None
    from . import services

    return services.run().pk


@db_task()
def exchange_now(user_id: int):
    from django.contrib.auth import get_user_model

    from . import services

    return services.run(by=get_user_model().objects.get(pk=user_id)).pk
