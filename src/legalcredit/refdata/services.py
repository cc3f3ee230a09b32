"""Loading reference data. Every load is idempotent and atomic."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass
from importlib import resources
from importlib.metadata import version as package_version

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from . import selectors
from .models import CalendarDay, RefdataRelease, Region, SubjectCategory, SubjectStatus, SubjectType

log = logging.getLogger(__name__)
ADMIN_SOURCE = "后台录入"


@dataclass
class LoadResult:
    dataset: str
    version: str
    rows: int
    skipped: bool


def _data_file(name: str) -> bytes:
    return resources.files("legalcredit.refdata").joinpath("data", name).read_bytes()


def manifest() -> dict:
    return yaml.safe_load(_data_file("manifest.yaml"))


def _already_loaded(dataset: str, checksum: str) -> bool:
    latest = RefdataRelease.objects.filter(dataset=dataset).order_by("-loaded_at", "-id").first()
    return latest is not None and latest.checksum == checksum


def load_regions(force: bool = False) -> LoadResult:
    meta = manifest()["regions"]
    raw = _data_file(meta["file"])
    checksum = hashlib.sha256(raw).hexdigest()
    if not force and _already_loaded("regions", checksum):
        return LoadResult("regions", meta["version"], 0, True)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    codes = {r["code"] for r in rows}
    with transaction.atomic():
        objs = [Region(code=r["code"], name=r["name"], level=r["level"],
                       parent_id=r["parent"] or None, in_force=True) for r in rows]
        # Parents first, so the self-reference holds on databases that check it per row.
        objs.sort(key=lambda o: ("province", "city", "county").index(o.level))
        Region.objects.bulk_create(objs, batch_size=500, update_conflicts=True,
                                   unique_fields=["code"],
                                   update_fields=["name", "level", "parent", "in_force"])
        # A code dropped from the national list stays (records may point to it) but is
        # marked as no longer in force.
        Region.objects.exclude(code__in=codes).update(in_force=False)
        RefdataRelease.objects.create(dataset="regions", version=meta["version"],
                                      source=meta.get("source", ""),
                                      data_date=str(meta.get("data_date", "")),
                                      checksum=checksum, rows=len(rows))
    return LoadResult("regions", meta["version"], len(rows), False)


def _load_yaml(dataset: str, apply, force: bool) -> LoadResult:
    """Load a YAML data set through ``apply(doc) -> rows`` unless it is unchanged."""
    raw = _data_file(manifest()[dataset]["file"])
    checksum = hashlib.sha256(raw).hexdigest()
    doc = yaml.safe_load(raw)
    if not force and _already_loaded(dataset, checksum):
        return LoadResult(dataset, doc["version"], 0, True)
    with transaction.atomic():
        count = apply(doc)
        RefdataRelease.objects.create(dataset=dataset, version=doc["version"],
                                      source=str(doc.get("source", "")).strip()[:300],
                                      checksum=checksum, rows=count)
    return LoadResult(dataset, doc["version"], count, False)


def load_subject_types(force: bool = False) -> LoadResult:
    return _load_yaml("subject_types", _apply_subject_types, force)


def _apply_subject_types(doc: dict) -> int:
    count = 0
    for kind, key in (("institution", "institution_types"), ("practitioner", "practitioner_types")):
        for order, item in enumerate(doc[key]):
            st, _ = SubjectType.objects.update_or_create(
                code=item["code"],
                defaults=dict(name=item["name"], kind=kind, sort_order=order,
                              uscc_required=item.get("uscc_required", False),
                              uscc_prefixes=item.get("uscc_prefixes", []),
                              license_format=item.get("license_format", "")))
            for cat in item.get("categories", []):
                SubjectCategory.objects.update_or_create(
                    subject_type=st, code=cat["code"], defaults={"name": cat["name"]})
            count += 1
    for item in doc["practitioner_types"]:
        st = SubjectType.objects.get(code=item["code"])
        st.institution_types.set(item.get("institution_types", []))
    known = {s["code"] for s in doc["statuses"]}
    for order, item in enumerate(doc["statuses"]):
        unknown = set(item.get("next", [])) - known
        if unknown:
            raise ValidationError(f"状态 {item['code']} 的可转入状态不存在：{sorted(unknown)}")
        SubjectStatus.objects.update_or_create(
            code=item["code"],
            defaults=dict(name=item["name"], kinds=item["kinds"], sort_order=order,
                          may_practise=item.get("may_practise", False),
                          temporary=item.get("temporary", False),
                          terminal=item.get("terminal", False),
                          next_statuses=item.get("next", [])))
        count += 1
    return count


def load_holidays(force: bool = False) -> LoadResult:
    import chinese_calendar

    pkg = f"chinesecalendar {package_version('chinesecalendar')}"
    entries = {d: ("holiday", name) for d, name in chinese_calendar.holidays.items()}
    entries.update({d: ("workday", name) for d, name in chinese_calendar.workdays.items()})
    checksum = hashlib.sha256(
        "\n".join(f"{d}:{k}:{n}" for d, (k, n) in sorted(entries.items())).encode()).hexdigest()
    if not force and _already_loaded("holidays", checksum):
        return LoadResult("holidays", pkg, 0, True)
    names = {h.value: h.chinese for h in chinese_calendar.Holiday}
    with transaction.atomic():
        protected = set(CalendarDay.objects.filter(source=ADMIN_SOURCE).values_list("date", flat=True))
        objs = [CalendarDay(date=d, kind=k, name=names.get(n, n or ""), source=pkg)
                for d, (k, n) in entries.items() if d not in protected]
        CalendarDay.objects.bulk_create(objs, batch_size=500, update_conflicts=True,
                                        unique_fields=["date"],
                                        update_fields=["kind", "name", "source"])
        RefdataRelease.objects.create(dataset="holidays", version=pkg,
                                      source="https://pypi.org/project/chinesecalendar/",
                                      checksum=checksum, rows=len(objs))
    selectors.clear_calendar_cache()
    return LoadResult("holidays", pkg, len(objs), False)


def load_roles(force: bool = False) -> LoadResult:
    from legalcredit.accounts.services import sync_roles

    return _load_yaml("roles", sync_roles, force)


def load_schemes(force: bool = False) -> LoadResult:
    """Evaluation schemes shipped with the package (a province's own editions are kept)."""
    from legalcredit.evaluation.services import SHIPPED, load_shipped

    changed = load_shipped(force)
    return LoadResult("schemes", ", ".join(sorted(p.stem for p in SHIPPED.glob("*.yaml"))), changed, changed == 0)


def load_rules(force: bool = False) -> LoadResult:
    from . import rulesets

    changed = rulesets.load_shipped(force)
    return LoadResult("rules", ", ".join(sorted(rulesets.PARSERS)), changed, changed == 0)


def load_all(force: bool = False) -> list[LoadResult]:
    return [load_regions(force), load_subject_types(force), load_holidays(force), load_roles(force),
            load_rules(force), load_schemes(force)]


def is_loaded() -> bool:
    from . import rulesets
    from .models import RuleSet

    return {"regions", "subject_types", "holidays", "roles"} <= set(
        RefdataRelease.objects.values_list("dataset", flat=True).distinct()) and set(
        RuleSet.objects.filter(active=True).values_list("code", flat=True)) >= set(rulesets.PARSERS)


@transaction.atomic
def set_calendar_day(*, day: dt.date, kind: str, name: str = "", note: str = "") -> CalendarDay:
    """Record next year's schedule (or a correction) without a release.

    A day set here is never overwritten by a later package load.
    """
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": f"类别只能是 {', '.join(CalendarDay.Kind.values)}"})
    if kind == CalendarDay.Kind.WORKDAY and day.weekday() < 5:
        raise ValidationError({"kind": f"{day} 是周一至周五，本来就是工作日，无需设为调休上班"})
    obj, _ = CalendarDay.objects.update_or_create(
        date=day, defaults=dict(kind=kind, name=name, note=note, source=ADMIN_SOURCE))
    transaction.on_commit(selectors.clear_calendar_cache)
    return obj
