"""The reads a credit check makes for every subject it answers about, hand-written.

A department's system may send checks by the thousand. Through the ORM these reads cost about
1.5 ms each here to build and load (a subject with its sealed ID number decrypted, its grade with
the scheme's whole document), against 0.2-0.3 ms for the database to answer them. Both statements
are pinned to their ORM counterparts (``Subject`` lookups, ``lists.selectors.in_force_on``) by
tests on both databases.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from legalcredit.core import sql
from legalcredit.evaluation.models import Scheme, SubjectGrade
from legalcredit.lists.models import ListEntry
from legalcredit.lists.selectors import IN_FORCE
from legalcredit.records.models import CreditRecord, Review, Status
from legalcredit.refdata.models import SubjectStatus
from legalcredit.registry.models import Subject


class Standing(NamedTuple):
    """A subject as a check describes it, with its current grade and the newest approved record."""
    pk: int
    name: str
    subject_type_id: str
    status_id: str
    status_name: str
    region_id: str
    evaluation_id: int | None
    grade: str
    score: str | None
    supervision_class: str
    scheme_code: str | None
    scheme_version: str | None
    records_changed_at: dt.datetime | None
    # Whether the subject has list entries in force on the day asked, and open remedy flags: the
    # check reads those only when there are some (most subjects have neither).
    listed: bool = True
    flagged: bool = True
    licensed_on: dt.date | None = None


class InForce(NamedTuple):
    list_code: str
    decision_no: str
    authority: str
    decided_on: dt.date | None
    listed_from: dt.date
    listed_until: dt.date


def _column(model, name: str) -> str:
    return model._meta.get_field(name).column


def _statement() -> str:
    s, st, g, sc, r = (m._meta.db_table for m in (Subject, SubjectStatus, SubjectGrade, Scheme, CreditRecord))
    return (
        f"SELECT s.id, s.name, s.{_column(Subject, 'subject_type')}, s.{_column(Subject, 'status')}, st.name, "
        f"s.{_column(Subject, 'region')}, g.{_column(SubjectGrade, 'evaluation')}, g.grade, g.score, "
        f"g.supervision_class, sc.code, sc.version, "
        f"(SELECT MAX(r.effective_at) FROM {r} r WHERE r.{_column(CreditRecord, 'subject')} = s.id "
        f"AND r.review = 'approved'), "
        "CASE WHEN EXISTS (SELECT 1 FROM {entries} WHERE {listed}) THEN 1 ELSE 0 END, "
        "CASE WHEN {flagged} THEN 1 ELSE 0 END, "
        f"s.{_column(Subject, 'license_issued_on')} "
        f"FROM {s} s JOIN {st} st ON st.code = s.{_column(Subject, 'status')} "
        f"LEFT JOIN {g} g ON g.{_column(SubjectGrade, 'subject')} = s.id "
        f"LEFT JOIN {sc} sc ON sc.id = g.{_column(SubjectGrade, 'scheme')} "
        "WHERE s.{key} = %s ORDER BY s.id LIMIT 2")


_BY = {}
_PLACES = Decimal(1).scaleb(-SubjectGrade._meta.get_field("score").decimal_places)


def standing_by(key: str, value: str, day: dt.date) -> list[Standing]:
    """The subjects (at most two, to tell an ambiguous licence number) whose ``key`` is ``value``;
    ``value`` as a check is given it (an ID number in the clear: it is sealed here, as the column is);
    ``listed`` as of ``day``."""
    from legalcredit.remedies.selectors import flagged_condition

    if key not in _BY:
        _BY[key] = _statement().replace("{key}", _column(Subject, key))
    if key == "id_number":
        value = Subject._meta.get_field("id_number").get_prep_value(value)
    listed, listed_params = _in_force_where("s.id", day)
    flagged, flagged_params = flagged_condition("s.id")
    statement = (_BY[key].replace("{entries}", ListEntry._meta.db_table).replace("{listed}", listed)
                 .replace("{flagged}", flagged))
    out = []
    for row in sql.rows(statement, [*listed_params, *flagged_params, value]):
        score, changed = row[8], row[12]
        out.append(Standing(*row[:8], None if score is None else str(Decimal(str(score)).quantize(_PLACES)),
                            row[9] or "", *row[10:12], sql.as_datetime(changed), bool(row[13]), bool(row[14]),
                            sql.as_date(row[15])))
    return out


def last_adverse_on(subject_id: int, day: dt.date) -> dt.date | None:
    """The decision date of the subject's latest adverse credit record decided by ``day``: an
    approved current version with a severity (only adverse kinds and outcomes carry one) that was
    not revoked. A record withdrawn from publication still counts: the conduct was found."""
    col = {f: _column(CreditRecord, f) for f in ("subject", "decision_date", "is_current", "review", "severity",
                                                    "status")}
    [(last,)] = sql.rows(
        f"SELECT MAX({col['decision_date']}) FROM {CreditRecord._meta.db_table} "
        f"WHERE {col['subject']} = %s AND {col['is_current']} = %s AND {col['review']} = %s "
        f"AND {col['severity']} <> '' AND {col['status']} <> %s AND {col['decision_date']} <= %s",
        [subject_id, True, Review.APPROVED, Status.REVOKED, day])
    return sql.as_date(last)


def _in_force_where(subject: str, day: dt.date) -> tuple[str, list]:
    """The condition ``lists.selectors.in_force_on`` puts on a subject's entries for ``day``, the
    subject being ``subject`` (an SQL expression), with its parameters."""
    col = {f: _column(ListEntry, f) for f in ("subject", "stage", "removed_on", "listed_from", "listed_until")}
    stages, stage_params = sql.member_of(col["stage"], [str(s) for s in IN_FORCE])
    return (f"{col['subject']} = {subject} AND {stages} "
            f"AND ({col['removed_on']} IS NULL OR {col['removed_on']} > %s) "
            f"AND {col['listed_from']} <= %s AND {col['listed_until']} >= %s", [*stage_params, day, day, day])


def in_force_on(subject_id: int, day: dt.date) -> list[InForce]:
    """What ``lists.selectors.in_force_on`` gives for one subject, newest proposal first."""
    where, params = _in_force_where("%s", day)
    rows = sql.rows(
        f"SELECT list_code, decision_no, authority, decided_on, {_column(ListEntry, 'listed_from')}, "
        f"{_column(ListEntry, 'listed_until')} FROM {ListEntry._meta.db_table} WHERE {where} "
        f"ORDER BY {_column(ListEntry, 'proposed_at')} DESC, id DESC", [subject_id, *params])
    return [InForce(code, no, authority, sql.as_date(decided), sql.as_date(start), sql.as_date(until))
            for code, no, authority, decided, start, until in rows]
