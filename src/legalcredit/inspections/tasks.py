from django.utils import timezone
from huey.contrib.djhuey import db_task

from legalcredit.records.signals import in_chunks


@db_task()
def follow_results(record_ids: list[int]) -> int:
    """Results approved in these record versions are now published."""
    from legalcredit.records.models import CreditRecord

    from . import services

    keys = list(CreditRecord.objects.filter(pk__in=record_ids, kind="inspection", is_current=True,
                                            review="approved").values_list("key", flat=True))
    return services.results_published(keys, timezone.localdate()) if keys else 0


on_records_changed = in_chunks(follow_results)
