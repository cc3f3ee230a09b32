"""``sql.insert_all`` outside any transaction, as a credit check calls it: all rows or none.

A module of its own, with no module-wide ``django_db`` mark: under one, the test database is
emptied after ``refdata_after_flush`` has put the reference data back, and the tests after it
find no regions.
"""
import pytest
from django.db import connection

from legalcredit.checks.models import Check, Feedback
from legalcredit.core import sql
from legalcredit.core.tests.test_sql_insert import _receipt


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="a transactional test empties the database, which the audit guard refuses on SQLite")
@pytest.mark.parametrize("chunked", [False, True])
def test_insert_all_writes_nothing_when_any_row_is_refused(refdata_after_flush, transactional_db,
                                                          django_user_model, monkeypatch, chunked):
    """Outside any transaction, as a credit check calls it, in one statement or in chunks: the
    rows of the first model, written before the refused second, are not kept."""
    from django.db import IntegrityError

    if chunked:
        monkeypatch.setitem(sql.MAX_PARAMS, connection.vendor, 20)
    user = django_user_model.objects.create_user("dept", password="x-Strong-pass-1")
    held = sql.insert(_receipt(user))
    twice = _receipt(user)
    with pytest.raises(IntegrityError):
        sql.insert_all([Feedback(check_record=held, measure="m", applied=True, by=user),
                        twice, _receipt(user, id=twice.id)])   # the same key twice
    assert not Feedback.objects.exists() and list(Check.objects.values_list("pk", flat=True)) == [held.pk]
