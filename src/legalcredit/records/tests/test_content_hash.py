"""The content digest is stored with every version: its form is fixed across releases."""
import datetime as dt
from decimal import Decimal

from legalcredit.records.prepare import content_hash


def test_the_digest_of_a_known_record_never_changes():
    # The value below was computed when re-import recognition was first shipped; if this test
    # fails, records already held would all look new to a re-import of their file.
    values = dict(
        kind="penalty", subtype="", severity="general", authority="淮安市司法局",
        authority_uscc="11320800MB0000000X", decision_no="淮司罚决〔2026〕11号",
        decision_date=dt.date(2026, 3, 1), effective_from=dt.date(2026, 3, 1), effective_until=None,
        content="警告，罚款人民币三万元", legal_basis="《中华人民共和国律师法》第五十条",
        provision="lawyers_law_50", sanctions=[{"type": "警告"}, {"type": "罚款", "fine_yuan": 30000.0}],
        penalty_types=["警告", "罚款"], fine_amount=Decimal("3.000000"), confiscation_amount=None,
        certificate="", source_unit="淮安市司法局", source_unit_uscc="11320800MB0000000X",
        details={"CF_WSH": "淮司罚决〔2026〕11号", "CF_JDRQ": "2026-03-01", "CF_CFLB": ["警告", "罚款"]},
        status="in_effect", publication_regime="gbf_2025_22")
    assert content_hash(42, values) == "20c735051ae0904266ea7089ba5140ce078d9a77df79a6e6100b64380027871e"
    assert content_hash(43, values) != content_hash(42, values)
    assert content_hash(42, dict(values, fine_amount=Decimal("3.1"))) != content_hash(42, values)
