"""The back office's record forms: entry, import, export, correction, withdrawal, review."""
from __future__ import annotations

import re

from django import forms

from django.conf import settings

from legalcredit.accounts.policy import Scope
from legalcredit.core.admin_forms import DateInput
from legalcredit.registry.forms import subject_by_identifier

from . import importer, rules
from .prepare import LABELS, Draft

SEVERITIES = [("", "按类别与结果自动判定"), ("minor", "轻微"), ("general", "一般"), ("serious", "严重")]
DRAFT_FIELDS = ("subtype", "severity", "months", "decision_no", "decision_date", "effective_from",
                "effective_until", "authority", "authority_uscc", "source_unit", "source_unit_uscc",
                "content", "legal_basis")


class DecisionFields(forms.Form):
    """What a record says, as an officer enters or corrects it."""

    subtype = forms.CharField(label="子类或结果", max_length=60, required=False,
                              help_text="如 警告、中止会员权利、不称职、省级表彰；行政处罚填处罚种类（如 停止执业）")
    severity = forms.ChoiceField(label="严重程度", choices=SEVERITIES, required=False)
    months = forms.IntegerField(label="期限（月）", min_value=1, max_value=120, required=False,
                                help_text="停止执业、中止会员权利等有期限的处分")
    decision_no = forms.CharField(label="决定文书号", max_length=100, required=False)
    decision_date = forms.DateField(label="决定日期", help_text="YYYY-MM-DD")
    effective_from = forms.DateField(label="效力起始日", required=False)
    effective_until = forms.DateField(label="效力截止日", required=False)
    authority = forms.CharField(label="决定机关（单位）", max_length=200)
    authority_uscc = forms.CharField(label="决定机关统一社会信用代码", max_length=18, required=False)
    source_unit = forms.CharField(label="数据来源单位", max_length=200)
    source_unit_uscc = forms.CharField(label="数据来源单位统一社会信用代码", max_length=18, required=False)
    content = forms.CharField(label="内容（事实与结果）", widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label="依据", max_length=500, required=False)


# The national 双公示 fields that no column of a record holds, asked of a licensing or penalty
# decision entered by hand so that its export is a complete national row: form field → code.
NATIONAL_FIELDS = {"penalty": {"violation_type": "CF_WFXW", "facts": "CF_SY"},
                   "license": {"license_category": "XK_XKLB", "license_document": "XK_XKWS"}}


# Form field → the group of national 处罚类别 that require it (dual_publication.yaml).
PENALTY_AMOUNTS = {"fine": "fine", "confiscation": "confiscation", "certificate": "certificate"}


def sanction_types(subtype: str) -> list[str]:
    """The sanctions a penalty's 子类 names: one, or several joined (警告、罚款)."""
    return list(dict.fromkeys(t for t in re.split(r"[、，,；;\s]+", subtype.strip()) if t))


class EntryForm(DecisionFields):
    subject = forms.CharField(label="信用主体", max_length=40,
                              help_text="统一社会信用代码、公民身份号码或执业证号")
    kind = forms.ChoiceField(label="信息类别")
    violation_type = forms.CharField(label="违法行为类型", max_length=2000, required=False,
                                     help_text="行政处罚必填（双公示字段）")
    facts = forms.CharField(label="违法事实", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="行政处罚必填（双公示字段）")
    license_category = forms.ChoiceField(label="许可类别", required=False, help_text="行政许可必填（双公示字段）")
    license_document = forms.CharField(label="行政许可决定文书名称", max_length=200, required=False,
                                       help_text="行政许可必填（双公示字段）")
    # A penalty's amounts and certificate, which the national row requires with some 处罚类别.
    fine = forms.DecimalField(label="罚款金额（万元）", max_digits=18, decimal_places=6, min_value=0, required=False,
                              help_text="处罚种类含罚款时必填（双公示字段）")
    confiscation = forms.DecimalField(label="没收违法所得、没收非法财物的金额（万元）", max_digits=18, decimal_places=6,
                                      min_value=0, required=False, help_text="处罚种类含没收时必填（双公示字段）")
    certificate = forms.CharField(label="暂扣或吊销证照名称及编号", max_length=200, required=False,
                                  help_text="暂扣、吊销证照时必填（双公示字段）")
    reason = forms.CharField(label="录入原因", max_length=200, help_text="记入变更历史与审计日志")
    field_order = ["subject", "kind"]

    def __init__(self, *args, scope: Scope, unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        kinds = rules.kinds()
        self.fields["kind"].choices = [(code, k.name) for code, k in kinds.items() if scope.covers_kind(code)]
        for name in ("authority", "source_unit"):
            self.fields[name].initial = unit
        license = rules.schemas().get("license")
        spec = license.by_code.get("XK_XKLB") if license else None
        self.fields["license_category"].choices = [("", "—")] + [(v, v) for v in (spec.values if spec else ())]
        self.fields["subtype"].help_text = ("如 警告、中止会员权利、不称职、省级表彰；行政处罚填处罚种类，如 停止执业，"
                                            "同一决定有几种的用顿号分隔，如 警告、罚款")

    def clean(self):
        d = super().clean()
        kind = d.get("kind")
        schema = rules.schemas().get(kind)
        required = list(NATIONAL_FIELDS.get(kind, {}))
        if schema is not None:
            # The form's fields that fill a national field the template always requires: left
            # blank, the record would export as a row the sharing platform refuses.
            required += [name for name in ("decision_no", "authority_uscc", "source_unit_uscc", "legal_basis")
                         if (code := schema.role.get(name, f"{schema.prefix}_YJ" if name == "legal_basis" else ""))
                         in schema.by_code and schema.by_code[code].required == "always"]
        for name in required:
            if name in self.fields and not (d.get(name) or "").strip() and name not in self.errors:
                self.add_error(name, f"{rules.kinds()[kind].name}必须填写（双公示国家标准字段）")
        if kind == "penalty" and schema is not None:
            # 处罚类别 (national) of the sanctions named, and the fields each requires.
            national = rules.catalogue().national_category
            types = {national.get(t, t) for t in sanction_types(d.get("subtype") or "")}
            for name, group in PENALTY_AMOUNTS.items():
                named = types & schema.groups.get(group, frozenset())
                if named and d.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, f"处罚种类含{'、'.join(sorted(named))}时必填（双公示国家标准字段）")
        return d

    def clean_subject(self):
        return subject_by_identifier(self.cleaned_data["subject"], self.scope)

    def draft(self) -> Draft:
        d = {k: self.cleaned_data.get(k) for k in DRAFT_FIELDS}
        d = {k: ("" if v is None and k not in ("months", "effective_from", "effective_until") else v)
             for k, v in d.items()}
        kind = self.cleaned_data["kind"]
        details = {code: self.cleaned_data[name].strip() for name, code in NATIONAL_FIELDS.get(kind, {}).items()}
        draft = Draft(kind=kind, details=details, **d)
        if kind == "penalty" and draft.subtype:
            types = sanction_types(draft.subtype)
            durational = rules.catalogue().durational
            fine = self.cleaned_data.get("fine")
            draft.sanctions = [{"type": t, **({"months": draft.months} if draft.months and (
                                   t in durational or len(types) == 1) else {}),
                                **({"fine_yuan": float(fine * 10000)} if t == "罚款" and fine is not None else {})}
                               for t in types]
            draft.fine_amount, draft.confiscation_amount = fine, self.cleaned_data.get("confiscation")
            draft.certificate = (self.cleaned_data.get("certificate") or "").strip()
        return draft

    def add_service_errors(self, by_field: dict[str, list[str]]) -> None:
        """A service refusal, shown beside the field it names (or above the form)."""
        for name, messages in by_field.items():
            target = name if name in self.fields else None
            for message in messages:
                label = LABELS.get(name, name)
                named = target or message.startswith(f"{label}：")
                self.add_error(target, message if named else f"{label}：{message}")


class ImportForm(forms.Form):
    file = forms.FileField(label="文件（CSV 或 XLSX：双公示国家模板，或其他类别的通用模板）")
    kind = forms.ChoiceField(label="类别", choices=lambda: list(importer.importable_kinds().items()))
    reason = forms.CharField(label="导入原因", max_length=200)
    register_unknown = forms.BooleanField(label="自动登记名录中没有的机构", required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        limit = settings.IMPORT_UPLOAD_MAX_MB
        if f.size > limit * 1024 * 1024:
            raise forms.ValidationError(f"文件大小 {f.size / 1048576:.0f} MB 超过后台上传上限 {limit} MB；"
                                        f"大文件请用命令 legalcredit records import 导入")
        return f


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=[("penalty", "行政处罚"), ("license", "行政许可")])
    fmt = forms.ChoiceField(label="格式", choices=[("xlsx", "Excel（XLSX）"), ("csv", "CSV（UTF-8）")])
    since = forms.DateField(label="只导出此日以来生效的版本", required=False,
                            help_text="留空为全量；填日期为增量（该日 0 时以来生效的新增和更正）",
                            widget=DateInput)
    mark_reported = forms.BooleanField(label="标记为已报送共享平台", required=False)
    purpose = forms.CharField(label="导出用途", max_length=200,
                              help_text="导出文件含完整身份证号，用途记入审计日志")


class DayForm(forms.Form):
    on = forms.DateField(label="日期", widget=DateInput)

    def clean_on(self):
        from django.utils import timezone

        day = self.cleaned_data["on"]
        if day > timezone.localdate():
            raise forms.ValidationError("不能晚于今天")
        return day


class CorrectionForm(DecisionFields):
    """The fields a correction may change; the new version waits for a checker like any entry."""

    # A penalty's amounts and certificate (fields of the record itself; not offered for other kinds).
    fine_amount = forms.DecimalField(label="罚款金额（万元）", max_digits=18, decimal_places=6, min_value=0,
                                     required=False)
    confiscation_amount = forms.DecimalField(label="没收违法所得、没收非法财物的金额（万元）", max_digits=18,
                                             decimal_places=6, min_value=0, required=False)
    certificate = forms.CharField(label="暂扣或吊销证照名称及编号", max_length=200, required=False)
    reason = forms.CharField(label="更正原因", max_length=200, help_text="记入版本历史与审计日志")

    PENALTY_ONLY = ("fine_amount", "confiscation_amount", "certificate")
    AMOUNTS = ("fine_amount", "confiscation_amount")

    @classmethod
    def for_record(cls, rec, data=None):
        months = next((s.get("months") for s in rec.sanctions or [] if s.get("months")), None)
        initial = {f: getattr(rec, f) for f in cls.base_fields if hasattr(rec, f) and f not in ("months", "reason")}
        form = cls(data, initial={**initial, "months": months})
        if rec.kind != "penalty":
            for name in cls.PENALTY_ONLY:
                del form.fields[name]
        return form

    def changes(self, rec) -> dict:
        """Only what differs from the current version (services.correct takes these)."""
        d = self.cleaned_data
        out = {f: (d[f] if d[f] is not None else None if f in (*self.AMOUNTS, "effective_from", "effective_until")
                   else "")
               for f in self.changed_data if f not in ("months", "reason")}
        if "months" in self.changed_data and d["months"]:
            if rec.kind == "penalty":
                out["sanctions"] = [{**s, "months": d["months"]} if "months" in s else s for s in rec.sanctions]
            else:
                out["months"] = d["months"]
        if "fine_amount" in out:
            # The statutory check reads the fine from the sanctions, in 元.
            fine = out["fine_amount"]
            out["sanctions"] = [
                ({k: v for k, v in s.items() if k != "fine_yuan"} | ({"fine_yuan": float(fine * 10000)}
                                                                     if fine is not None else {}))
                if s.get("type") == "罚款" else s for s in out.get("sanctions", rec.sanctions)]
        return out


class WithdrawalForm(forms.Form):
    reversal_date = forms.DateField(label="原决定变更或撤销之日",
                                    widget=DateInput)
    revoked = forms.BooleanField(label="原决定已被撤销（记录标注“已撤销”；未勾选为决定变更，撤回公示）", required=False)
    reason = forms.CharField(label="撤回原因", max_length=300, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
                             help_text="如：经行政复议变更为警告（复议决定书文号）")


class BatchDecisionForm(forms.Form):
    note = forms.CharField(label="审核意见", max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                           help_text="退回须说明理由")
