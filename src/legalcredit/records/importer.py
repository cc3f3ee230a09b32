"""Bulk import of credit records: 双公示 files (national 行政许可 / 行政处罚 templates) and, for
every other kind, the platform's general template (record_templates rule set).

One batch is one transaction: every row is validated, and the batch is
applied whole or not at all. A killed process leaves the database as it was
(the transaction never commits). Rows stream through in chunks, so memory
stays flat whatever the file size.

Re-importing the same file changes nothing (each row's content digest is
compared with the record's current version); a row with the same decision
number for the same subject but new content becomes a new version. Imported
rows wait for a checker (``approve_batch``), as any maker's entry does.
"""
from __future__ import annotations

import csv
import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Callable, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from legalcredit.accounts.policy import scope_for
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.models import ImportBatch
from legalcredit.core import sql
from legalcredit.domain.dual_publication import NATURAL_PERSON, RESIDENT_ID, Row, Schema, parse_date
from legalcredit.domain.identifiers.id_number import mask
from legalcredit.domain import durations
from legalcredit.domain import sanctions as sx
from legalcredit.domain.periods import add_months
from legalcredit.registry.models import Subject

from . import rules
from .bulk import RecordWriter
from .files import FileProblem, open_rows
from .models import CreditRecord, Review
from .prepare import Draft, may_recur, prepare, priors_by_subject, sanctions_of

# Commitments are made and fulfilled through their own workflow (codes, letters, checks by a
# second officer), so a file cannot bring them in.
NOT_IMPORTED = frozenset({"commitment"})


def importable_kinds() -> dict[str, str]:
    """Kind code → name of every kind a file may bring in."""
    return {code: k.name for code, k in rules.kinds().items() if code not in NOT_IMPORTED}

REPORT_HEADER = ["行号", "字段代码", "字段名称", "原值", "错误说明"]
# Columns beyond the national template that the importer understands.
EXTENSION_FIELDS = {"YZCD": "严重程度", "GSRQ": "公示日期"}
_SEVERITY = {"轻微": "minor", "一般": "general", "严重": "serious"}


class ImportRefused(Exception):
    """The file as a whole cannot be imported; nothing was applied."""


@dataclass
class ImportResult:
    kind: str
    format: str = ""
    rows: int = 0
    created: int = 0
    new_versions: int = 0
    unchanged: int = 0
    registered: int = 0
    errors: int = 0
    warnings: int = 0
    report_path: Path | None = None
    batch: ImportBatch | None = None
    first_errors: list[str] = field(default_factory=list)
    first_warnings: list[str] = field(default_factory=list)

    @property
    def applied(self) -> bool:
        return self.errors == 0 and self.batch is not None

    def summary(self) -> dict:
        """The result as a background job keeps it (JSON): counts and first messages, not the
        batch or the report file, which the job refers to by themselves."""
        kept = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("kind", "report_path", "batch")}
        return kept | {"applied": self.applied}


class _Rollback(Exception):
    pass


def _report_path() -> Path:
    folder = Path(settings.HOME) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"import-errors-{timezone.localtime():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}.csv"


def months_between(start: dt.date, end: dt.date) -> int:
    """The smallest whole number of months from ``start`` that reaches ``end``."""
    m = max(0, (end.year - start.year) * 12 + end.month - start.month - 1)
    while add_months(start, m) < end:
        m += 1
    return m


def statutory_sanctions(v: dict, prefix: str, names: list[str], durational: frozenset[str]) -> list[dict]:
    """The statutory sanctions a national-template row describes (CF_CFLB, CF_NR, CF_YXQ, CF_NR_FK)."""
    text = " ".join(str(x) for x in (v.get(f"{prefix}_CFLB") and "、".join(v[f"{prefix}_CFLB"]),
                                     v.get(f"{prefix}_NR")) if x)
    out = []
    for name in names:
        if name not in text:
            continue
        item = {"type": name}
        if name in durational:
            months = durations.months_after(text, name)
            if months is None and v.get(f"{prefix}_YXQ"):
                months = months_between(v[f"{prefix}_JDRQ"], v[f"{prefix}_YXQ"])
            item["months"] = months
        if name == "罚款" and v.get(f"{prefix}_NR_FK") is not None:
            item["fine_yuan"] = float(v[f"{prefix}_NR_FK"] * 10000)
        out.append(item)
    return out


def _plain(name: str) -> str:
    """A name as compared: full-width forms folded (（）→()), no spaces."""
    return unicodedata.normalize("NFKC", name).replace(" ", "")


class _Subject(NamedTuple):
    """The few columns of a subject the importer needs (a model instance per row cost more)."""
    pk: int
    uscc: str | None
    id_number: str | None
    subject_type_id: str
    region_id: str
    name: str


_ID_FIELD = Subject._meta.get_field("id_number")


@dataclass(frozen=True)
class _Penalty:
    """A penalty of the file that a later one could repeat (律师法 Art 51), kept for the file-wide check."""
    line: int
    subject_type: str
    provision: str
    level: str | None
    decision_date: dt.date
    sanctions: tuple[sx.Sanction, ...]
    effect_end: dt.date | None
    content: str


class _Importer:
    def __init__(self, kind: str, *, actor, reason: str, unknown_subjects: str, regime: str,
                 progress: Callable[[int], None] | None, chunk: int):
        self.kind = kind
        self.actor = actor
        self.reason = reason
        self.unknown_subjects = unknown_subjects
        self.regime = regime
        self.progress = progress
        self.chunk = chunk
        self.today = timezone.localdate()
        self.ctx = rules.snapshot()
        self.schema: Schema = rules.import_schema(self.ctx, kind)
        self.dual = kind in self.ctx.schemas
        self.kind_name = self.ctx.kinds[kind].name
        self.scope = scope_for(actor)
        cat = self.ctx.catalogue
        names = set(cat.status_effects) | set(cat.national_category)
        for p in cat.provisions.values():
            names |= set(p.sanctions)
        # Longest names first, so 吊销执业许可证 is not read as 吊销执业证书's prefix.
        self.sanction_names = sorted(names, key=len, reverse=True)
        self.durational = cat.durational
        self.result = ImportResult(kind)
        self.report_file = None
        self.report = None
        self.unwritten: list[tuple] = []
        self.writer: RecordWriter | None = None
        self.repeatable: dict[int, list[_Penalty]] = {}
        self.corrected_keys: set = set()

    # -- report -------------------------------------------------------------
    def error(self, line: int, code: str, label: str, value, message: str) -> None:
        self.result.errors += 1
        self.unwritten.append((line, code, label, "" if value is None else str(value)[:200], message))

    def flush_errors(self) -> None:
        """Write the errors found so far, in row order: a chunk finds them in several passes."""
        if not self.unwritten:
            return
        if self.report is None:
            self.result.report_path = _report_path()
            self.report_file = self.result.report_path.open("w", encoding="utf-8-sig", newline="")
            self.report = csv.writer(self.report_file)
            self.report.writerow(REPORT_HEADER)
        self.unwritten.sort(key=lambda e: e[0])
        self.report.writerows(self.unwritten)
        for line, code, label, _, message in self.unwritten[:20 - len(self.result.first_errors)]:
            self.result.first_errors.append(f"第{line}行 {label}（{code}）：{message}")
        self.unwritten = []

    def file_error(self, message: str) -> None:
        self.error(1, "", "文件", "", message)

    # -- main ---------------------------------------------------------------
    def run(self, path: Path, source: str = "") -> ImportResult:
        source = source or path.name
        try:
            header, rows, fmt = open_rows(path)
        except FileProblem as exc:
            raise ImportRefused(str(exc)) from None
        self.result.format = fmt
        mapping, unknown = self.schema.header_map(header)
        self.columns = frozenset(mapping.values())
        ext = {i: code for i, h in enumerate(header)
               for code, label in EXTENSION_FIELDS.items() if (h or "").strip() in (code, label)}
        unknown = [h for h in unknown if h not in EXTENSION_FIELDS and h not in EXTENSION_FIELDS.values()]
        if unknown:
            raise ImportRefused(f"无法识别的表头：{'、'.join(unknown[:10])}。"
                                f"表头应为{self.kind_name}国家标准字段代码（如 {self.schema.role['decision_no']}）"
                                f"或中文字段名" + self._other_kind(header))
        missing = [s for s in self.schema.fields if s.required == "always" and s.code not in mapping.values()]
        if missing:
            raise ImportRefused("缺少必填列：" + "、".join(f"{s.label}（{s.code}）" for s in missing))
        try:
            with transaction.atomic():
                self.batch = ImportBatch.objects.create(
                    kind=f"records.{self.kind}", source=source[:200], created_by=self.actor,
                    parameters={"format": fmt, "unknown_subjects": self.unknown_subjects,
                                "regime": self.regime, "reason": self.reason})
                self.writer = RecordWriter(self.batch.pk, self.actor, self.reason)
                self._stream(rows, mapping, ext)
                if self.result.errors:
                    raise _Rollback
                self.batch.rows = self.result.created + self.result.new_versions
                self.batch.parameters |= {"created": self.result.created,
                                          "new_versions": self.result.new_versions,
                                          "unchanged": self.result.unchanged,
                                          "registered": self.result.registered}
                self.batch.save(update_fields=["rows", "parameters"])
                self.writer.finish()
                audit(action=AuditEntry.Action.BULK, actor=self.actor, object_type="core.importbatch",
                      object_id=self.batch.pk, reason=self.reason,
                      summary=f"导入{self.kind_name} {source}：新增{self.result.created}，"
                              f"新版本{self.result.new_versions}，未变化{self.result.unchanged}（待审核）")
                self.result.batch = self.batch
        except _Rollback:
            self.result.batch = None
        except FileProblem as exc:
            self.file_error(str(exc))
            self.result.batch = None
        finally:
            self.flush_errors()
            if self.report_file:
                self.report_file.close()
        if not self.result.applied:
            audit(action=AuditEntry.Action.BULK, actor=self.actor, object_type="core.importbatch",
                  summary=f"导入{self.kind_name} {source} 未执行：{self.result.errors}处错误",
                  reason=self.reason, data={"report": str(self.result.report_path or "")})
        return self.result

    def _other_kind(self, header) -> str:
        """A hint when the file is of another kind than the one chosen (a 双公示 penalty file
        imported as licences, say): the commonest slip at the upload form."""
        general = self.ctx.templates[rules.GENERAL_TEMPLATE]
        for code, schema in {**self.ctx.schemas, rules.GENERAL_TEMPLATE: general}.items():
            if schema is self.schema:
                continue
            mapping, unknown = schema.header_map(header)
            if mapping and not [h for h in unknown if h not in EXTENSION_FIELDS and h not in EXTENSION_FIELDS.values()]:
                name = self.ctx.kinds[code].name if code in self.ctx.kinds else "通用模板（其他各类信用信息）"
                return f"。该文件的表头是“{name}”的字段，请确认导入类别是否选错"
        return ""

    def _stream(self, rows, mapping: dict[int, str], ext: dict[int, str]) -> None:
        chunk = []
        line = 1
        for cells in rows:
            line += 1
            if not any(str(c).strip() for c in cells if c is not None):
                continue
            raw = {code: cells[i] for i, code in mapping.items() if i < len(cells)}
            extra = {code: cells[i] for i, code in ext.items() if i < len(cells)}
            chunk.append((line, raw, extra))
            if len(chunk) >= self.chunk:
                self._chunk(chunk)
                chunk = []
        if chunk:
            self._chunk(chunk)
        self._repeat_offences()
        if self.result.rows == 0 and not self.result.errors:
            self.file_error("文件没有数据行")

    def _chunk(self, chunk) -> None:
        s = self.schema
        role = s.role
        checked: list[tuple[int, Row, dict, dict]] = []
        for line, raw, extra in chunk:
            row = s.validate(raw, self.today)
            self.result.rows += 1
            for issue in row.errors:
                self.error(line, issue.field, issue.label, issue.value, issue.message)
            self.result.warnings += len(row.warnings)
            if row.ok:
                checked.append((line, row, raw, extra))
        subjects = self._subjects(checked)
        drafted = []
        recurring = set()
        for line, row, raw, extra in checked:
            subject = self._subject_for(line, row.values, subjects)
            if subject is None:
                continue
            draft = self._draft(line, row.values, raw, extra)
            if draft is None:
                continue
            drafted.append((line, row, subject, draft, extra))
            if self.kind == "penalty" and may_recur(self.ctx.catalogue, subject.subject_type_id,
                                                    sanctions_of(draft.sanctions)):
                recurring.add(subject.pk)
        existing = self._existing({(subject.pk, (row.values.get(role["decision_no"]) or "").strip())
                                   for _, row, subject, _, _ in drafted})
        # Earlier penalties, read only for the subjects whose rows a repeat offence could concern
        # (prepare asks for no others), in one query instead of one per row.
        priors = priors_by_subject(recurring) if recurring else {}
        out = []
        renamed: list[tuple[int, str, _Subject, dict]] = []
        seen: dict[tuple[int, str], str] = {}
        ready = []
        for line, row, subject, draft, extra in drafted:
            v = row.values
            prepared = self._prepare(line, v, subject, draft, priors)
            if prepared is None:
                continue
            ready.append((line, row, subject, extra, draft, prepared, _identity(subject.pk, prepared.values)))
        exported = self._as_exported([existing[k] for *_, prepared, k in ready if k in existing
                                      and existing[k]["content_hash"] != prepared.values["content_hash"]])
        for line, row, subject, extra, draft, prepared, k in ready:
            v = row.values
            prev = existing.get(k)
            values = prepared.values
            values["warnings"] = values["warnings"] + [str(w) for w in row.warnings]
            if k in seen:
                if seen[k] != values["content_hash"]:
                    self.error(line, role["decision_no"], s.by_code[role["decision_no"]].label,
                               values["decision_no"], "同一文件中同一主体的同一决定书文号出现两次且内容不同")
                else:
                    self.result.unchanged += 1
                continue
            seen[k] = values["content_hash"]
            if prev is not None:
                # The same file submitted again before its batch is approved changes nothing; only
                # a different content must wait for the pending version's review. Nor does a row
                # as this platform exported the current version (one entered by hand, whose
                # export fills fields its form never asked for).
                if prev["content_hash"] == values["content_hash"] or self._same_as(exported.get(prev["key"]), v,
                                                                                     self.columns):
                    self.result.unchanged += 1
                    continue
                if prev["review"] == Review.PENDING and prev["import_batch_id"] != self.batch.pk:
                    self.error(line, role["decision_no"], s.by_code[role["decision_no"]].label,
                               values["decision_no"], "该决定已有内容不同的待审核版本，请先审核后再导入")
                    continue
                if prev["import_batch_id"] == self.batch.pk:
                    self.error(line, role["decision_no"], s.by_code[role["decision_no"]].label,
                               values["decision_no"], "同一文件中同一主体的同一决定书文号出现两次且内容不同")
                    continue
                carried = self._carried_sanctions(exported.get(prev["key"]), v)
                if carried is not None and carried != values["sanctions"]:
                    # The penalty columns are as the platform exported them: the sanction held
                    # (entered by hand, 处罚内容 silent on it) stays, and is what the statutory
                    # checks see, rather than what the words of the row yield.
                    prepared = self._prepare(line, v, subject, replace(draft, sanctions=carried), priors)
                    if prepared is None:
                        continue
                    values = prepared.values
                    values["warnings"] = values["warnings"] + [str(w) for w in row.warnings]
                values["key"], values["version"] = prev["key"], prev["top"] + 1
                self.result.new_versions += 1
            else:
                self.result.created += 1
            if extra.get("GSRQ"):
                values["published_on"] = self._date(extra["GSRQ"])
            # Notes are counted for the rows stored, not for those found unchanged.
            self.result.warnings += len(prepared.warnings)
            self._note(line, prepared.warnings)
            named = v.get(role["party_name"]) or ""
            if named and _plain(named) != _plain(subject.name):
                renamed.append((line, named, subject, values))
            self._keep_if_repeatable(line, subject, values)
            out.append(values)
        if renamed:
            self._check_names(renamed)
        if out and not self.result.errors:
            self.writer.write(out)
        self.flush_errors()
        if self.progress:
            self.progress(self.result.rows)

    def _prepare(self, line: int, v: dict, subject, draft: Draft, priors: dict):
        """``prepare`` for one row, its refusals reported against the national columns; None if refused."""
        s, role = self.schema, self.schema.role
        prepared = prepare(subject, draft, today=self.today, ctx=self.ctx,
                           priors=lambda pk, day: [p for p in priors.get(pk, ()) if p.decision_date <= day])
        if prepared.ok:
            return prepared
        national = {"legal_basis": f"{s.prefix}_YJ"}
        for fname, message in prepared.errors:
            code = {"decision_date": role["decision_date"], "decision_no": role["decision_no"],
                    "authority_uscc": role["authority_uscc"], "sanctions": f"{s.prefix}_NR",
                    "authority": role["authority"], **GENERAL_FIELDS,
                    **{k: c for k, c in national.items() if c in s.by_code}}.get(fname, fname)
            label = s.by_code[code].label if code in s.by_code else fname
            self.error(line, code, label, v.get(code, ""), message)
        return None

    def _note(self, line: int, warnings) -> None:
        for w in warnings:
            if len(self.result.first_warnings) < 20:
                self.result.first_warnings.append(f"第{line}行 {w}")

    def _check_names(self, renamed) -> None:
        """A party named otherwise than the registry names the subject its code points to: kept
        under that subject (the code decides), with a note, unless it is one of its former names."""
        from legalcredit.registry.models import FormerName

        former: dict[int, set[str]] = {}
        for sid, name in FormerName.objects.filter(subject_id__in={r[2].pk for r in renamed}).values_list(
                "subject_id", "name"):
            former.setdefault(sid, set()).add(_plain(name))
        for line, named, subject, values in renamed:
            if _plain(named) in former.get(subject.pk, ()):
                continue
            note = f"行政相对人名称“{named}”与主体名录登记的名称“{subject.name}”不一致（已按代码归属该主体）"
            values["warnings"].append(note)
            self.result.warnings += 1
            self._note(line, [note])

    def _keep_if_repeatable(self, line: int, subject, values: dict) -> None:
        if self.kind != "penalty" or not values["provision"] or not values["sanctions"]:
            return
        sanctions = sanctions_of(values["sanctions"])
        if may_recur(self.ctx.catalogue, subject.subject_type_id, sanctions):
            self.repeatable.setdefault(subject.pk, []).append(_Penalty(
                line, subject.subject_type_id, values["provision"], values["authority_level"] or None,
                values["decision_date"], sanctions, values["effective_until"], values["content"]))
            if "key" in values:
                self.corrected_keys.add(values["key"])

    def _repeat_offences(self) -> None:
        """Repeat offences between rows of the file, in whatever order the rows come: each row was
        checked against the records already held; a subject with several such penalties in the
        file is checked again with the file's earlier-dated ones counted too."""
        several = [sid for sid, rows in self.repeatable.items() if len(rows) > 1]
        cat, field = self.ctx.catalogue, f"{self.schema.prefix}_NR"
        label = self.schema.by_code[field].label if field in self.schema.by_code else "处罚内容"
        for i in range(0, len(several), 500):
            part = several[i:i + 500]
            held = priors_by_subject(part, exclude_keys=self.corrected_keys)
            for sid in part:
                rows = self.repeatable[sid]
                for r in rows:
                    earlier = [sx.Prior(o.decision_date, o.sanctions, o.effect_end) for o in rows
                               if (o.decision_date, o.line) < (r.decision_date, r.line)]
                    if not earlier:
                        continue
                    priors = [p for p in held.get(sid, ()) if p.decision_date <= r.decision_date] + earlier
                    for fault in sx.check(cat, cat.provisions[r.provision], r.subject_type, r.sanctions,
                                          authority_level=r.level, decision_date=r.decision_date, priors=priors):
                        lines = "、".join(str(o.line) for o in rows if (o.decision_date, o.line) < (r.decision_date, r.line))
                        self.error(r.line, field, label, r.content, f"{fault}（计入本文件第{lines}行同一主体的处罚）")

    @staticmethod
    def _date(value):
        try:
            return parse_date(value)
        except ValueError:
            return None

    def _subjects(self, checked) -> dict[tuple[str, str], "_Subject"]:
        role = self.schema.role
        usccs, ids = set(), set()
        for _, row, _, _ in checked:
            v = row.values
            if v.get(role["uscc"]):
                usccs.add(v[role["uscc"]])
            elif v.get(role["id_number"]) and v.get(role["id_type"]) == RESIDENT_ID:
                ids.add(v[role["id_number"]])
        found = {}
        table = Subject._meta.db_table
        columns = "id, uscc, id_number, subject_type_id, region_id, name"
        if usccs:
            where, params = sql.member_of("uscc", usccs)
            for r in sql.rows(f"SELECT {columns} FROM {table} WHERE {where}", params):
                found[("uscc", r[1])] = _Subject(*r)
        if ids:
            # ID numbers are stored sealed, and sealing is deterministic: ask for the sealed forms.
            sealed = {_ID_FIELD.get_prep_value(n): n for n in ids}
            where, params = sql.member_of("id_number", sealed)
            for r in sql.rows(f"SELECT {columns} FROM {table} WHERE {where}", params):
                found[("id", sealed[r[2]])] = _Subject(r[0], r[1], sealed[r[2]], *r[3:])
        return found

    def _subject_for(self, line: int, v: dict, subjects) -> Subject | None:
        role = self.schema.role
        code = v.get(role["uscc"])
        if v.get(role["party_category"]) == NATURAL_PERSON or not code:
            number = v.get(role["id_number"])
            subject = subjects.get(("id", number)) if number else None
            if subject is None:
                self.error(line, role["id_number"], "证件号码", mask(number or ""),
                           "该自然人未在主体名录中登记；请先登记从业人员再导入")
                return None
        else:
            subject = subjects.get(("uscc", code))
            if subject is None:
                subject = self._register(line, v, code)
                if subject is None:
                    return None
                subjects[("uscc", code)] = subject
        if not self.scope.covers_subject(subject):
            self.error(line, role["party_name"], "行政相对人名称", subject.name, "该主体不在您的辖区内")
            return None
        return subject

    def _register(self, line: int, v: dict, code: str) -> Subject | None:
        from django.core.exceptions import ValidationError

        from legalcredit.refdata.models import SubjectType
        from legalcredit.registry.services import register_institution

        role = self.schema.role
        if self.unknown_subjects != "register" or code == self.schema.placeholder_uscc:
            self.error(line, role["uscc"], "统一社会信用代码", code,
                       "该机构未在主体名录中登记（可选择“自动登记未知机构”，或先登记再导入）")
            return None
        types = [t for t in SubjectType.objects.filter(kind="institution") if t.uscc_prefixes[:1] == [code[:2]]]
        if len(types) != 1:
            self.error(line, role["uscc"], "统一社会信用代码", code,
                       "无法由代码第1-2位判断机构类型，不能自动登记；请先在主体名录中登记")
            return None
        try:
            subject, _ = register_institution(
                actor=self.actor, reason=f"双公示导入自动登记：{self.reason}", name=v[role["party_name"]],
                subject_type=types[0].code, region=code[2:8], uscc_code=code,
                legal_representative=v.get(f"{self.schema.prefix}_FRDB", ""))
        except ValidationError as exc:
            for msgs in exc.message_dict.values():
                for m in msgs:
                    self.error(line, role["uscc"], "统一社会信用代码", code, f"自动登记失败：{m}")
            return None
        self.result.registered += 1
        return subject

    def _general_draft(self, v: dict, raw: dict) -> Draft:
        role = self.schema.role
        return Draft(
            kind=self.kind, subtype=v.get("XY_XLJG", ""), severity=_SEVERITY.get(v.get("XY_YZCD", ""), ""),
            decision_date=v.get(role["decision_date"]), decision_no=v.get(role["decision_no"], ""),
            authority=v.get(role["authority"], ""), authority_uscc=v.get(role["authority_uscc"], ""),
            source_unit=v.get(role["source_unit"], ""), source_unit_uscc=v.get(role["source_unit_uscc"], ""),
            content=v.get("XY_NR", ""), legal_basis=v.get("XY_YJ", ""),
            effective_from=v.get("XY_YXQZ"), effective_until=v.get("XY_YXQZI"),
            details=dict(v), raw={k: str(x) for k, x in raw.items() if x not in (None, "")}, regime=self.regime)

    def _draft(self, line: int, v: dict, raw: dict, extra: dict) -> Draft | None:
        if not self.dual:
            return self._general_draft(v, raw)
        p = self.schema.prefix
        role = self.schema.role
        severity = ""
        if extra.get("YZCD"):
            severity = _SEVERITY.get(str(extra["YZCD"]).strip())
            if severity is None:
                self.error(line, "YZCD", "严重程度", extra["YZCD"], "应为 轻微、一般 或 严重")
                return None
        common = dict(
            kind=self.kind, decision_date=v.get(role["decision_date"]), decision_no=v.get(role["decision_no"], ""),
            authority=v.get(role["authority"], ""), authority_uscc=v.get(role["authority_uscc"], ""),
            source_unit=v.get(role["source_unit"], ""), source_unit_uscc=v.get(role["source_unit_uscc"], ""),
            # 公示截止期 is computed by the platform from the policy; the file's value stays in raw.
            details={k: x for k, x in v.items() if k != "CF_GSJZQ"}, raw={k: str(x) for k, x in raw.items() if x not in (None, "")}, regime=self.regime)
        if self.kind == "license":
            return Draft(**common, subtype=v.get("XK_XKLB", ""), content=v.get("XK_NR", ""),
                         effective_from=v.get("XK_YXQZ"), effective_until=v.get("XK_YXQZI"),
                         certificate=" ".join(x for x in (v.get("XK_XKZS"), v.get("XK_XKBH")) if x))
        types = [("其他" if t.startswith("其他") else t) for t in v.get("CF_CFLB", [])]
        if not severity:
            # The national template has no severity: the heaviest its types carry,
            # 一般 for a type the policy does not classify.
            floors = self.ctx.policy.penalty_type_severity
            order = ("minor", "general", "serious")
            severity = order[max((order.index(floors.get(t, "general")) for t in types), default=1)]
        return Draft(**common, severity=severity, content=v.get("CF_NR", ""), legal_basis=v.get("CF_YJ", ""),
                     penalty_types=types, effective_from=v.get("CF_JDRQ"), effective_until=v.get("CF_YXQ"),
                     fine_amount=v.get("CF_NR_FK"), confiscation_amount=v.get("CF_NR_WFFF"),
                     certificate=v.get("CF_NR_ZKDX", ""),
                     sanctions=statutory_sanctions(v, p, self.sanction_names, self.durational))

    def _as_exported(self, versions: list[dict]) -> dict[object, _Exported]:
        """key → the national row the export writes for each approved current version among
        ``versions``, read as this file's rows are read (None where it would not pass), with the
        version's sanctions."""
        if not self.dual:
            return {}
        keys = [r["key"] for r in versions if r["review"] == Review.APPROVED]
        if not keys:
            return {}
        from .export import cell, national_row

        personal = rules.personal_codes()
        out = {}
        for rec in CreditRecord.objects.filter(key__in=keys, is_current=True).select_related("subject"):
            d = national_row(self.kind, rec, personal=personal)
            row = self.schema.validate({code: cell(value) for code, value in d.items()}, self.today)
            out[rec.key] = _Exported(row.values if row.ok else None, rec.sanctions)
        return out

    @staticmethod
    def _same_as(exported: _Exported | None, values: dict, columns) -> bool:
        """Whether a row's values are those of ``exported`` in every one of ``columns``, the
        ones the platform computes aside (公示截止期, 备注)."""
        if exported is None or exported.row is None:
            return False
        return all(values.get(code) == exported.row.get(code) for code in columns if code not in COMPUTED)

    def _carried_sanctions(self, exported: _Exported | None, values: dict) -> list[dict] | None:
        """The sanctions of the version a row follows, when the row's penalty columns are as the
        export wrote them for it; None otherwise."""
        if self.kind != "penalty" or exported is None:
            return None
        penalty = [code for code in self.columns if code in PENALTY_COLUMNS]
        return exported.sanctions if penalty and self._same_as(exported, values, penalty) else None

    def _existing(self, numbered: set[tuple[int, str]]) -> dict[tuple[int, str], dict]:
        """The current or pending versions of the chunk's (subject, decision number) pairs (a blank
        number: the subject's records without one, known by their content). Each pair
        is looked up by itself: asking for the chunk's subjects and numbers apart read every record
        of those subjects, this batch's pending rows too, so each chunk took longer than the last
        (a 100,000-row file spent a quarter of its import here, a million rows most of theirs)."""
        if not numbered:
            return {}
        names = ("key", "version", "content_hash", "subject_id", "decision_no", "review", "import_batch_id", "top")
        table, params = sql.pairs(numbered, ("integer", "text"))
        t = CreditRecord._meta.db_table
        # SQLite, its statistics taken before the import, built an automatic index over the whole
        # table for every chunk (a million rows: most of an hour); it is told which index to probe.
        hint = " INDEXED BY record_decision_idx" if connection.vendor == "sqlite" else ""
        # ``top``: the key's newest version, a returned one too, which the next is numbered past.
        found = sql.rows(f"SELECT {', '.join('r.' + n for n in names[:-1])}, "
                         f"(SELECT MAX(v.version) FROM {t} v WHERE v.key = r.key) FROM {t} r{hint} "
                         f"JOIN {table} ON r.subject_id = p.a AND r.decision_no = p.b "
                         f"WHERE r.kind = %s AND (r.is_current OR r.review = %s)", [*params, self.kind, Review.PENDING])
        out = {}
        for values in found:
            r = dict(zip(names, values))
            r["key"] = _KEY_FIELD.to_python(r["key"])
            k = _identity(r["subject_id"], r)
            # A pending version (of this batch or another) takes precedence over the current one.
            if k not in out or r["review"] == Review.PENDING:
                out[k] = r
        return out


_KEY_FIELD = CreditRecord._meta.get_field("key")


# Columns the platform computes on export, which a re-imported file may carry as they were then.
COMPUTED = frozenset({"CF_GSJZQ", "BZ"})
# The columns a penalty's sanctions are read from (statutory_sanctions), and the date its months
# may be counted from.
PENALTY_COLUMNS = frozenset({"CF_CFLB", "CF_NR", "CF_NR_FK", "CF_NR_WFFF", "CF_NR_ZKDX", "CF_JDRQ", "CF_YXQ"})


class _Exported(NamedTuple):
    row: dict | None        # None: the export of that version would not pass the template
    sanctions: list[dict]

# Prepare's field names → the general template's columns, for the error report.
GENERAL_FIELDS = {"subtype": "XY_XLJG", "severity": "XY_YZCD", "content": "XY_NR", "effective_from": "XY_YXQZ",
                  "effective_until": "XY_YXQZI", "legal_basis": "XY_YJ", "source_unit": "XY_SJLY",
                  "source_unit_uscc": "XY_SJLYDM"}


def _identity(subject_id: int, values: dict) -> tuple[int, str]:
    """What makes two rows the same record: the subject and the decision number. A record that
    may have none (an oral 训诫) is known by its content: the same content again is unchanged,
    other content a new record, since nothing says which earlier one it would correct."""
    return (subject_id, values["decision_no"] or "#" + values["content_hash"])


def import_records(path: str | Path, *, kind: str, actor, reason: str, unknown_subjects: str = "reject",
                   regime: str = "", progress: Callable[[int], None] | None = None,
                   chunk: int = 2000, source: str = "") -> ImportResult:
    """``source``: the file's name as the batch and the audit trail show it (default: the path's)."""
    kinds = importable_kinds()
    if kind not in kinds:
        raise ImportRefused(f"未知的导入类别“{kind}”（可选：{'、'.join(f'{c}（{n}）' for c, n in kinds.items())}）")
    if not (reason or "").strip():
        raise ImportRefused("必须填写导入原因")
    if unknown_subjects not in ("reject", "register"):
        raise ImportRefused("unknown_subjects 只能是 reject 或 register")
    if regime:
        rules.policy().regime(regime)
    if actor is not None and not scope_for(actor).covers_kind(kind):
        raise ImportRefused(f"您的角色不能导入“{rules.kinds()[kind].name}”信息")
    return _Importer(kind, actor=actor, reason=reason.strip(), unknown_subjects=unknown_subjects,
                     regime=regime, progress=progress, chunk=chunk).run(Path(path), source)
