"""The record kinds file: 能力验证 and 司法鉴定文书评查 apply to forensic subjects only, and a
coverage rule states its years, its subject types and its source."""
import copy

import pytest

from legalcredit.domain import record_kinds

from ._data import rule_doc

DOC = rule_doc("record_kinds.yaml")
KINDS = record_kinds.parse_kinds(DOC)


def test_forensic_results_apply_to_forensic_subjects_and_coverage_is_three_years():
    test = KINDS["proficiency_test"]
    assert test.allowed_subtypes("forensic_institution") == ("满意", "通过", "不通过")
    assert test.allowed_subtypes("lawyer") == ()
    assert test.check("forensic_appraiser", "不通过", None) == ("minor", [])
    assert test.check("forensic_appraiser", "满意", None) == (None, [])
    assert test.coverage.years == 3 and "全面覆盖" in test.coverage.source
    assert KINDS["opinion_review"].check("forensic_institution", "不合格", None)[0] == "minor"
    assert [k for k in KINDS.values() if k.coverage] == [test]


def _kind(doc, code):
    return next(k for k in doc["kinds"] if k["code"] == code)


@pytest.mark.parametrize("change, message", [
    ({"years": 0}, "coverage.years"),
    ({"source": " "}, "来源"),
    ({"subject_types": ["lawyer"]}, "coverage.subject_types"),
    ({"subject_types": []}, "coverage.subject_types"),
])
def test_a_broken_coverage_rule_is_refused_naming_the_place(change, message):
    doc = copy.deepcopy(DOC)
    _kind(doc, "proficiency_test")["coverage"].update(change)
    with pytest.raises(record_kinds.KindsError, match=message):
        record_kinds.parse_kinds(doc)
