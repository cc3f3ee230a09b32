"""Background jobs (huey): grades follow record changes within seconds; a nightly full pass
moves records in and out of scoring windows as days pass; publicity periods close daily."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import flows, services
from .models import Evaluation

BATCH = 5000


@db_task()
def reevaluate(subject_ids: list[int]) -> int:
    return services.evaluate_subjects(subject_ids, trigger=Evaluation.Trigger.RECORD_CHANGE).changed


@db_task()
def reopen_gradings(record_ids: list[int]) -> int:
    return len(flows.reopen_on_event(record_ids))


@db_task()
def recompute_for_types(types: list[str]) -> int:
    return services.evaluate_subjects(None, trigger=Evaluation.Trigger.SCHEME, types=frozenset(types)).changed


@db_periodic_task(crontab(hour="2", minute="15"))
def nightly_recompute() -> int:
    return services.recompute_all().changed


@db_periodic_task(crontab(hour="0", minute="30"))
def close_publicity() -> int:
    return flows.end_publicity()


@db_task()
def recompute_task(user_id: int | None = None) -> int:
    return services.recompute_all(by=_user(user_id)).pk


@db_task()
def what_if_task(scheme_id: int, user_id: int | None = None) -> int:
    from .models import Scheme

    return services.what_if(Scheme.objects.get(pk=scheme_id), by=_user(user_id)).pk


def _user(user_id):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def on_records_changed(sender, subject_ids, record_ids=(), **kwargs) -> None:
    # In batches: a task's ids go into one IN (...) and SQLite caps the parameters of a query.
    for i in range(0, len(subject_ids), BATCH):
        reevaluate(subject_ids[i:i + BATCH])
    record_ids = list(record_ids)
    for i in range(0, len(record_ids), BATCH):
        reopen_gradings(record_ids[i:i + BATCH])
