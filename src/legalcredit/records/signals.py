"""What other parts of the platform hear from the record store.

``records_changed`` is sent after the transaction that made versions count
(approval) commits, with the ids of the subjects concerned; evaluation
recomputes their grades. Senders never wait for receivers' work.
"""
from django.db import transaction
from django.dispatch import Signal

records_changed = Signal()  # kwargs: subject_ids (list[int]), record_ids (list[int])


def announce(subject_ids, record_ids=()) -> None:
    subject_ids, record_ids = sorted(set(subject_ids)), list(record_ids)
    if subject_ids:
        transaction.on_commit(lambda: records_changed.send(
            sender="records", subject_ids=subject_ids, record_ids=record_ids))


# One IN (...) per background task: SQLite caps a statement's parameters.
CHUNK = 5000


def in_chunks(task, of: str = "record_ids"):
    """A ``records_changed`` receiver that queues ``task`` once per chunk of the ids the signal
    carries under ``of`` (the record ids, or the subject ids)."""
    def receiver(sender, **kwargs) -> None:
        ids = list(kwargs.get(of) or ())
        for i in range(0, len(ids), CHUNK):
            task(ids[i:i + CHUNK])
    return receiver
