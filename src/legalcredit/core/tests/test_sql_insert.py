"""``sql.insert`` stores an instance exactly as ``save()`` does, on both databases."""
import datetime as dt
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legalcredit.audit.models import AuditEntry
from legalcredit.checks.models import Check, Feedback
from legalcredit.core import sql

pytestmark = pytest.mark.django_db

# PostgreSQL text and jsonb hold no NUL and no lone surrogate, whichever way a row is written.
texts = st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=20)
json_values = st.recursive(st.none() | st.booleans() | st.integers(-2**53, 2**53) | texts,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                           max_leaves=8)


def stored(obj) -> dict:
    row = type(obj).objects.filter(pk=obj.pk).values().get()
    return {k: v for k, v in row.items() if k != type(obj)._meta.pk.attname}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(summary=st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=300),
       data=st.dictionaries(texts, json_values, max_size=4), actor_id=st.none() | st.integers(1, 2**40))
def test_an_audit_entry_inserted_by_hand_is_stored_as_the_orm_stores_it(summary, data, actor_id):
    fields = dict(at=timezone.now(), actor_id=actor_id, actor="张三", action="read", object_type="checks.check",
                  object_id="x", summary=summary, reason="核查", ip="127.0.0.1", data=data)
    by_hand = sql.insert(AuditEntry(**fields))
    by_orm = AuditEntry.objects.create(**fields)
    assert by_hand.pk is not None and by_hand.pk != by_orm.pk and not by_hand._state.adding
    assert stored(by_hand) == stored(by_orm)


def test_a_receipt_with_its_key_json_and_foreign_keys_and_a_default_timestamp(django_user_model):
    user = django_user_model.objects.create_user("dept", password="x-Strong-pass-1")
    fields = dict(unit="采购系统", user=user, matter_type="procurement", purpose="资格审查",
                  query={"uscc": "91320800MA1XXXXXXX"}, subject=None, on=dt.date(2026, 12, 7),
                  answered_at=timezone.now(), answer={"found": False, "measures": [], "名": "中文"}, digest="a" * 64)
    by_hand = sql.insert(Check(id=uuid.uuid4(), **fields))
    by_orm = Check.objects.create(id=uuid.uuid4(), **fields)
    assert stored(by_hand) == stored(by_orm)
    before = timezone.now()
    fb = sql.insert(Feedback(check_record=by_hand, measure="m", applied=True, by=user))
    assert Feedback.objects.get(pk=fb.pk).at >= before, "auto_now_add is filled in as save() fills it"


def _receipt(user, **overrides) -> Check:
    return Check(**{"id": uuid.uuid4(), "unit": "采购系统", "user": user, "matter_type": "procurement",
                    "purpose": "资格审查", "query": {"uscc": "91320800MA1XXXXXXX"}, "on": dt.date(2026, 12, 7),
                    "answered_at": timezone.now(), "answer": {"found": False, "measures": []}, "digest": "b" * 64,
                    **overrides})


def _entry(n: int) -> AuditEntry:
    return AuditEntry(at=timezone.now(), actor="张三", action="read", object_type="checks.check",
                      object_id=str(n), summary=f"核查 {n}", reason="核查", data={"n": n})


@pytest.mark.parametrize("n", [1, 3])
def test_insert_all_stores_rows_of_several_models_as_the_orm_stores_them(django_user_model, n):
    user = django_user_model.objects.create_user("dept", password="x-Strong-pass-1")
    receipts, entries = [_receipt(user) for _ in range(n)], [_entry(i) for i in range(n)]
    sql.insert_all([*receipts, *entries])
    assert all(not obj._state.adding for obj in receipts + entries)
    for receipt in receipts:
        by_orm = Check.objects.create(**{f.attname: getattr(receipt, f.attname) for f in Check._meta.concrete_fields
                                         if f.attname != "id"})
        assert stored(receipt) == stored(by_orm)
    got = sorted(AuditEntry.objects.filter(object_type="checks.check").values_list("object_id", "data"))
    assert got == [(str(i), {"n": i}) for i in range(n)], "keys the database generates are not read back"


def test_insert_all_past_the_parameters_of_one_statement_writes_in_chunks(django_user_model, monkeypatch):
    monkeypatch.setitem(sql.MAX_PARAMS, connection.vendor, 30)   # two audit rows a statement
    user = django_user_model.objects.create_user("dept", password="x-Strong-pass-1")
    sql.insert_all([*(_entry(i) for i in range(5)), _receipt(user)])
    assert AuditEntry.objects.filter(object_type="checks.check").count() == 5 and Check.objects.count() == 1
