import copy
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain import complaints
from legalcredit.domain.periods import add_months

from ._data import rule_doc

DOC = rule_doc("complaints.yaml")
RULES = complaints.parse(DOC)
TYPES = [t["code"] for group in ("institution_types", "practitioner_types")
         for t in rule_doc("subject_types.yaml")[group]]


def test_every_subject_type_has_a_sector_and_every_limit_a_source():
    for code in TYPES:
        sector = RULES.sector_for(code)
        assert all(limit.source.strip() for limit in sector.limits.values()), code
        assert sector.legal_basis.strip()
    assert RULES.sector_for("lawyer").limit("accept").working_days == 10
    forensic = RULES.sector_for("forensic_appraiser")
    assert forensic.limitation_years == 3 and forensic.limit("decide").calendar
    assert RULES.sector_for("notary").code == RULES.default_sector


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["sectors"]["lawyer"]["accept"].update(unit="hours"), "sectors.lawyer.accept.unit"),
    (lambda d: d["sectors"]["lawyer"]["decide"].update(days=0), "sectors.lawyer.decide.days"),
    (lambda d: d["sectors"]["lawyer"]["notify"].update(source=" "), "sectors.lawyer.notify"),
    (lambda d: d["sectors"]["forensic"]["subject_types"].append("lawyer"), "已属于 lawyer"),
    (lambda d: d["sectors"]["lawyer"]["extension"].update(unit="working"), "相同的计算单位"),
    (lambda d: d["sectors"]["forensic"].pop("limitation_source"), "limitation_source"),
    (lambda d: d.update(default_sector="nobody"), "default_sector"),
    (lambda d: [f.update(upheld=True) for f in d["findings"].values()], "不属实"),
    (lambda d: d.pop("not_accepted"), "not_accepted"),
])
def test_a_rule_file_with_a_mistake_is_refused_naming_the_place(mutate, message):
    doc = copy.deepcopy(DOC)
    mutate(doc)
    with pytest.raises(complaints.ComplaintRuleError, match=message):
        complaints.parse(doc)


@given(st.sampled_from(TYPES))
def test_an_extended_limit_adds_the_extension_in_the_same_unit(code):
    sector = RULES.sector_for(code)
    if sector.extension is None:
        return
    longer = sector.extended()
    assert longer.working_days == sector.limit("decide").working_days + sector.extension.working_days
    assert longer.calendar == sector.limit("decide").calendar and longer.key != sector.limit("decide").key


@given(st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)), st.integers(0, 6 * 366))
def test_the_time_bar_falls_exactly_three_years_after_the_conduct_was_known(known, gap):
    sector = RULES.sectors["forensic"]
    received = known + dt.timedelta(days=gap)
    barred = complaints.time_barred(sector, known, received)
    last = add_months(known, 36)
    assert (barred is not None) == (received > last)
    if barred is not None:
        assert barred == last < received
    # Sectors with no time bar never bar, and nor does an unknown date.
    assert complaints.time_barred(RULES.sectors["lawyer"], known, received) is None
    assert complaints.time_barred(sector, None, received) is None
