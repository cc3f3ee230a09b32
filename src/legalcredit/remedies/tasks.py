from huey.contrib.djhuey import db_task

from legalcredit.records.signals import in_chunks

from .services import notices


@db_task()
def serve_repair_notices(record_ids: list[int]) -> int:
    """New adverse records: their 信用修复告知书 to the subjects' own accounts."""
    return notices.serve(record_ids)


on_records_changed = in_chunks(serve_repair_notices)
