from huey.contrib.djhuey import db_task
from django.utils import timezone


def on_records_changed(sender, subject_ids, record_ids=(), **kwargs) -> None:
    record_ids = list(record_ids)
    for i in range(0, len(record_ids), 5000):
        follow_results(record_ids[i:i + 5000])


@db_task()
def follow_results(record_ids: list[int]) -> int:
    """Results approved in these record versions are now published."""
    from legalcredit.records.models import CreditRecord

    from . import services

    keys = list(CreditRecord.objects.filter(pk__in=record_ids, kind="inspection", is_current=True,
                                            review="approved").values_list("key", flat=True))
    return services.results_published(keys, timezone.localdate()) if keys else 0
