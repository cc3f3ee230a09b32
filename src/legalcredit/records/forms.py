"""The back office's form for entering one credit record of any kind the officer may enter."""
from __future__ import annotations

from django import forms

from legalcredit.accounts.policy import Scope
from legalcredit.registry.forms import subject_by_identifier

from . import rules
from .prepare import LABELS, Draft

SEVERITIES = [("", "按类别与结果自动判定"), ("minor", "轻微"), ("general", "一般"), ("serious", "严重")]
DRAFT_FIELDS = ("subtype", "severity", "months", "decision_no", "decision_date", "effective_from",
                "effective_until", "authority", "authority_uscc", "source_unit", "source_unit_uscc",
                "content", "legal_basis")


class EntryForm(forms.Form):
    subject = forms.CharField(label="信用主体", max_length=40,
                              help_text="统一社会信用代码、公民身份号码或执业证号")
    kind = forms.ChoiceField(label="信息类别")
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
    reason = forms.CharField(label="录入原因", max_length=200, help_text="记入变更历史与审计日志")

    def __init__(self, *args, scope: Scope, unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        kinds = rules.kinds()
        self.fields["kind"].choices = [(code, k.name) for code, k in kinds.items() if scope.covers_kind(code)]
        for name in ("authority", "source_unit"):
            self.fields[name].initial = unit

    def clean_subject(self):
        return subject_by_identifier(self.cleaned_data["subject"], self.scope)

    def draft(self) -> Draft:
        d = {k: self.cleaned_data.get(k) for k in DRAFT_FIELDS}
        d = {k: ("" if v is None and k not in ("months", "effective_from", "effective_until") else v)
             for k, v in d.items()}
        kind = self.cleaned_data["kind"]
        draft = Draft(kind=kind, **d)
        if kind == "penalty" and draft.subtype:
            draft.sanctions = [{"type": draft.subtype, **({"months": draft.months} if draft.months else {})}]
        return draft

    def add_service_errors(self, by_field: dict[str, list[str]]) -> None:
        """A service refusal, shown beside the field it names (or above the form)."""
        for name, messages in by_field.items():
            target = name if name in self.fields else None
            for message in messages:
                label = LABELS.get(name, name)
                self.add_error(target, message if target else f"{label}：{message}")
