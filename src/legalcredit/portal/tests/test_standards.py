"""制度公开: anyone reads the rules in force, as the platform applies them: how each kind of subject
is graded (every indicator, veto and grade band with the supervision it brings), how long adverse
information is published, the lists and the measures that follow, and each rule set's edition."""
import re

import pytest

from legalcredit.domain import scoring
from legalcredit.evaluation import selectors as grades
from legalcredit.lists.services import catalogue
from legalcredit.records import rules
from legalcredit.refdata.models import RuleSet

pytestmark = pytest.mark.django_db


def body(client, path):
    response = client.get(path)
    return response.status_code, response.content.decode()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_rules_page_states_the_rules_the_platform_applies(client):
    status, html = body(client, "/public/standards/")
    assert status == 200
    shown = text(html)
    for row, _ in grades.published():
        assert f'href="/public/standards/{row.code}/"' in html and row.name in shown
    regime = rules.policy().regime(None)
    assert regime.name in shown
    for period in regime.periods.values():
        if period.published:
            assert f"{period.max_months}个月" in shown
    assert f"{rules.schemas()['penalty'].deadline_working_days}个工作日内公示" in shown
    cat = catalogue()
    for lt in cat.lists.values():
        assert lt.name in shown and f"{lt.validity_months}个月" in shown
    for m in cat.measures:
        assert m.name in shown
        if m.clean_months:   # what earns it besides a list, as the checks apply it
            assert f"连续{m.clean_months}个月无不良信用记录" in shown
    for rs in RuleSet.objects.filter(active=True):
        assert rs.version in shown
    # The rule files' confirmation tags are the team's notes, not the public's.
    assert not re.search(r"\[[CUP]\]", shown)


def test_a_scheme_page_gives_every_indicator_veto_and_grade(client):
    row, scheme = grades.published()[0]
    status, html = body(client, f"/public/standards/{row.code}/")
    assert status == 200
    shown = text(html)
    assert row.name in shown and f"基础分{scheme.base}分" in shown
    for category in scheme.categories:
        assert category.name in shown
        for i in category.indicators:
            assert i.name in shown
    for v in scheme.vetoes:
        assert v.name in shown
    for band in scheme.bands:
        assert band.name in shown
        if band.supervision:
            assert f"{(band.supervision.sampling_rate * 100).normalize():f}%" in shown
            assert scoring.SUPERVISION_CLASSES[band.supervision.klass] in shown


def test_a_retired_or_unknown_scheme_is_not_found(client):
    from legalcredit.evaluation.models import Scheme

    row, _ = grades.published()[0]
    Scheme.objects.filter(pk=row.pk).update(state=Scheme.State.RETIRED)
    assert client.get(f"/public/standards/{row.code}/").status_code == 404
    assert client.get("/public/standards/no_such_scheme/").status_code == 404
    assert f'href="/public/standards/{row.code}/"' not in body(client, "/public/standards/")[1]
