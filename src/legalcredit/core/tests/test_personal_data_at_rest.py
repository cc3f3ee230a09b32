"""ID numbers are sealed wherever they are stored, still found by exact lookup, and survive a
key rotation with every receipt still valid."""
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from legalcredit.checks import services as checks
from legalcredit.core import sealing
from legalcredit.records import export, services as records
from legalcredit.records.tests.test_import import rows, run, write_csv  # noqa: F401  (fixture)
from legalcredit.registry import selectors as registry_selectors
from legalcredit.registry.models import Subject


@pytest.fixture
def own_keyring(settings, tmp_path):
    """A keyring file of this test's own, holding the keys the test database was sealed with."""
    ring = sealing.keyring()
    settings.DATA_KEYS_FILE = tmp_path / "data_keys"
    sealing.save_keyring(ring)
    yield
    sealing.keyring.cache_clear()


def stored(sql, params):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [r[0] for r in cur.fetchall()]


def test_the_database_holds_no_id_number_yet_lookups_and_uniqueness_work(lawyer, maker, codes):
    [column] = stored("SELECT id_number FROM registry_subject WHERE id = %s", [lawyer.pk])
    history = stored("SELECT id_number FROM registry_historicalsubject WHERE id = %s", [lawyer.pk])
    assert column.startswith("enc:") and lawyer.id_number not in column
    assert history and all(h.startswith("enc:") for h in history)
    assert Subject.objects.get(pk=lawyer.pk).id_number == lawyer.id_number
    assert registry_selectors.search_subjects(lawyer.id_number) == [lawyer]
    assert Subject.objects.filter(id_number__in=[lawyer.id_number, codes.id_number()]).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        clone = Subject.objects.get(pk=lawyer.pk)
        clone.pk, clone.license_no = None, None
        clone.save()
    with pytest.raises(ValueError, match="只能按完整值查找"):
        Subject.objects.filter(id_number__startswith="110101")


def test_a_natural_persons_penalty_is_sealed_in_its_fields_and_raw_values_and_exported_in_clear(
        tmp_path, maker, checker, rows, lawyer):  # noqa: F811
    from legalcredit.accounts.policy import scope_for

    records.approve_batch(run(write_csv(tmp_path / "cf.csv", rows), maker).batch, checker=checker)
    details, raw = zip(*[(json.loads(d) if isinstance(d, str) else d, json.loads(r) if isinstance(r, str) else r)
                         for d, r in _details_and_raw(lawyer.pk)])
    assert details[0]["CF_XDR_ZJHM"].startswith("enc:") and raw[0]["CF_XDR_ZJHM"].startswith("enc:")
    assert lawyer.id_number not in json.dumps(details) + json.dumps(raw)
    out = tmp_path / "out.csv"
    export.export("penalty", out, actor=checker, scope=scope_for(checker))
    assert lawyer.id_number in out.read_text(encoding="utf-8-sig")


def _details_and_raw(subject_id):
    with connection.cursor() as cur:
        cur.execute("SELECT details, raw FROM records_creditrecord WHERE subject_id = %s", [subject_id])
        return cur.fetchall()


def test_a_check_by_id_number_keeps_the_number_sealed_and_out_of_the_audit_trail(department, lawyer):
    from legalcredit.audit.models import AuditEntry

    [check] = checks.run(by=department, queries=[{"id_number": lawyer.id_number}], matter="awards",
                         purpose="评优")
    from legalcredit.checks.models import Check

    query = Check.objects.values_list("query", flat=True).get(pk=check.pk)  # as stored
    assert query["id_number"].startswith("enc:") and lawyer.id_number not in str(query)
    entry = AuditEntry.objects.filter(object_id=str(check.pk)).get()
    assert lawyer.id_number not in entry.summary and lawyer.id_number[:6] in entry.summary
    assert checks.asked(check) == {"id_number": lawyer.id_number}


def test_rotating_the_key_reseals_everything_and_breaks_nothing(own_keyring, tmp_path, maker, checker,
                                                                 rows, lawyer, department, capsys):  # noqa: F811
    records.approve_batch(run(write_csv(tmp_path / "cf.csv", rows), maker).batch, checker=checker)
    [check] = checks.run(by=department, queries=[{"id_number": lawyer.id_number}], matter="awards",
                         purpose="评优")
    old = sealing.keyring().current
    call_command("keys", "rotate")
    new = sealing.keyring().current
    assert new != old and old in sealing.keyring().keys, "old keys stay for older backups"
    [column] = stored("SELECT id_number FROM registry_subject WHERE id = %s", [lawyer.pk])
    assert column.startswith(f"enc:{new}:")
    assert registry_selectors.search_subjects(lawyer.id_number) == [lawyer]
    assert checks.verify(check.pk, check.digest)[0], "receipts stay valid across a rotation"
    capsys.readouterr()
    call_command("keys", "status")
    status = capsys.readouterr().out
    assert f"当前密钥 {new}" in status and f"registry_subject.id_number：{new} " in status
    assert f"：{old}" not in status and f"、{old}" not in status, "nothing left under the old key"
