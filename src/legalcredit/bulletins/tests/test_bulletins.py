"""通报公示: drafted by a maker, published by another officer with its statistics frozen, shown on
the portal until withdrawn."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from .. import services
from ..models import Bulletin

pytestmark = pytest.mark.django_db


def draft(by, **kw):
    today = timezone.localdate()
    values = dict(title="2026年第三季度律师行业违法违规执业情况通报", region="320800", subject_types=["law_firm", "lawyer"],
                  period_from=today - dt.timedelta(days=365), period_until=today, issuer="淮安市司法局",
                  body="典型案例一：某律师私自接受委托、收取费用，被给予停止执业四个月的行政处罚。")
    values.update(kw)
    return services.draft(by=by, **values)


def test_a_published_bulletin_counts_the_periods_violations_and_keeps_them(client, lawyer, maker, checker, approved):
    today = timezone.localdate()
    approved(lawyer, decision_date=today - dt.timedelta(days=30), effective_from=today - dt.timedelta(days=30),
             effective_until=today + dt.timedelta(days=90))
    b = draft(maker)
    with pytest.raises(PermissionDenied):
        services.publish(b.pk, by=maker)
    b = services.publish(b.pk, by=checker)
    lawyer_row = next(r for r in b.summary["rows"] if r["subject_type"] == "律师")
    assert b.summary["kinds"][0] == "行政处罚" and lawyer_row["counts"][0] == 1 and b.summary["totals"][0] == 1
    assert b.summary["region"] == "淮安市"

    # Later records do not change what was published.
    approved(lawyer, decision_date=today - dt.timedelta(days=10), decision_no="淮司罚决〔2026〕2号",
             effective_from=today - dt.timedelta(days=10), effective_until=today + dt.timedelta(days=90))
    page = client.get(f"/public/bulletins/{b.pk}/")
    assert page.status_code == 200 and page.context["s"]["totals"][0] == 1
    text = page.content.decode()
    assert "典型案例一" in text and "淮安市司法局" in text
    assert b.title in client.get("/public/bulletins/").content.decode()

    with pytest.raises(ValidationError, match="不能修改"):
        services.revise(b.pk, by=maker, title="x", region="320800", subject_types=["lawyer"],
                        period_from=today, period_until=today, body="x", issuer="x")
    with pytest.raises(ValidationError, match="撤回理由"):
        services.withdraw(b.pk, by=checker, reason="")
    services.withdraw(b.pk, by=checker, reason="案例表述有误，更正后重新发布")
    assert client.get(f"/public/bulletins/{b.pk}/").status_code == 404
    assert Bulletin.objects.filter(pk=b.pk, state="withdrawn").exists()


def test_a_draft_is_not_public_and_bad_drafts_are_refused_naming_the_field(client, maker):
    b = draft(maker)
    assert client.get(f"/public/bulletins/{b.pk}/").status_code == 404
    today = timezone.localdate()
    for kw, field in ((dict(period_from=today, period_until=today - dt.timedelta(days=1)), "统计期间"),
                      (dict(subject_types=[]), "通报的机构和人员类型"), (dict(region="999999"), "通报范围"),
                      (dict(body=" "), "典型案例"), (dict(period_until=today + dt.timedelta(days=1)), "统计期间")):
        with pytest.raises(ValidationError, match=field):
            draft(maker, **kw)
    with pytest.raises(PermissionDenied, match="辖区"):
        draft(maker, region="320100")
    assert Bulletin.objects.count() == 1


def test_the_back_office_drafts_and_publishes(client, maker, checker):
    client.force_login(maker)
    today = timezone.localdate()
    page = client.get("/admin/bulletins/bulletin/add/")
    assert page.status_code == 200 and "淮安市司法局" in page.content.decode()
    client.post("/admin/bulletins/bulletin/add/", {
        "title": "通报", "region": "320800", "subject_types": ["lawyer"], "period_from": (today - dt.timedelta(days=90)).isoformat(),
        "period_until": today.isoformat(), "issuer": "淮安市司法局", "body": "典型案例"})
    b = Bulletin.objects.get()
    change = client.get(f"/admin/bulletins/bulletin/{b.pk}/change/").content.decode()
    assert "发布时固定" in change and "行政处罚" in change
    client.force_login(checker)
    client.post(f"/admin/bulletins/bulletin/{b.pk}/publish/", {})
    assert Bulletin.objects.get().state == "published"
