"""The officers' deadline queues, the morning reminders and the escalation of overdue cases."""
import datetime as dt

import pytest
from django.utils import timezone

from legalcredit.accounts.policy import scope_for
from legalcredit.accounts.services import assign
from legalcredit.deadlines import selectors, services
from legalcredit.deadlines.models import Clock
from legalcredit.domain.remedies import TimeLimit
from legalcredit.lists import services as lists
from legalcredit.refdata.models import Region
from legalcredit.refdata.selectors import work_calendar

pytestmark = pytest.mark.django_db
LIMIT = TimeLimit("repair_decide", "信用修复审核决定（受理后）", 3, "国办发〔2025〕22号")


@pytest.fixture
def elsewhere(django_user_model):
    user = django_user_model.objects.create_user("suzhou_maker", password="x-Strong-pass-1", is_staff=True,
                                                 email="sz@example.gov.cn")
    assign(user, "city_maker", region=Region.objects.get(code="320500"))
    return user


def test_queues_follow_jurisdiction_and_state(lawyer, maker, checker, elsewhere):
    today = timezone.localdate()
    late = services.start("repair", 1, LIMIT, subject=lawyer, on=today - dt.timedelta(days=30), assignee=maker)
    soon = services.start("repair", 2, LIMIT, subject=lawyer, on=today, assignee=maker)
    services.start("objection", 3, LIMIT, subject=lawyer, on=today)
    services.pause("objection", 3, today)
    scope = scope_for(checker)
    assert list(selectors.queue(scope, today=today, state="overdue")) == [late]
    assert list(selectors.queue(scope, today=today, state="due_soon")) == []     # 3 working days left
    assert selectors.state_of(soon, today) == "open"
    assert selectors.state_of(late, today) == "overdue"
    assert list(selectors.queue(scope, today=today, state="paused").values_list("case_id", flat=True)) == [3]
    assert set(selectors.queue(scope, today=today, assignee=maker)) == {late, soon}
    assert not selectors.queue(scope_for(elsewhere), today=today).exists()
    services.stop("repair", 1, today)
    late.refresh_from_db()
    assert late.late is True and selectors.state_of(late, today) == "stopped"


def test_reminders_before_the_day_and_escalation_after_it_each_once(lawyer, maker, checker, elsewhere, mailoutbox):
    cal, today = work_calendar(), timezone.localdate()
    maker.email, checker.email = "maker@example.gov.cn", "checker@example.gov.cn"
    maker.save(), checker.save()
    due_tomorrow = services.start("repair", 1, TimeLimit("x", "信用修复申请受理", 1, "假定"), subject=lawyer,
                                  on=today, assignee=maker)
    overdue = services.start("objection", 2, LIMIT, subject=lawyer, on=today - dt.timedelta(days=20),
                             assignee=maker)
    assert due_tomorrow.due_on == cal.add_working_days(today, 1)
    assert services.remind_and_escalate(today) == (1, 1)
    subjects = sorted(m.subject for m in mailoutbox)
    assert subjects == [f"【即将到期】信用修复申请受理：{lawyer.name}", f"【已逾期】{LIMIT.name}：{lawyer.name}"]
    escalation = next(m for m in mailoutbox if m.subject.startswith("【已逾期】"))
    # To the whole unit whose jurisdiction covers the subject, not to other cities.
    assert set(escalation.to) == {"maker@example.gov.cn", "checker@example.gov.cn"}
    assert "国办发〔2025〕22号" in escalation.body and str(overdue.due_on) in escalation.body
    assert services.remind_and_escalate(today) == (0, 0)
    assert Clock.objects.filter(escalated_on=today).count() == 1


def test_a_listing_notice_starts_the_statement_clock_and_the_decision_stops_it(law_firm, maker, checker):
    entry = lists.propose(law_firm, "serious_dishonesty", by=maker, reasons="拒不履行", authority="淮安市司法局")
    served = dt.date(2026, 11, 2)
    entry = lists.serve_notice(entry.pk, by=maker, served_on=served)
    clock = Clock.objects.get(case_type="listing", case_id=entry.pk)
    assert clock.due_on == entry.statement_due and clock.assignee == maker
    lists.decide(entry.pk, by=checker, listed=False, reason="证据不足", on=entry.statement_due + dt.timedelta(days=1))
    clock.refresh_from_db()
    assert clock.stopped_on is not None
