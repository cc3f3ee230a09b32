"""The applicant's side in the back office: apply for credit repair, file an objection.

An institution or practitioner user applies for itself and picks the item from its own records
and list entries; an officer entering an application on a subject's behalf names the subject by
identifier and the item by its number. The services decide eligibility and deadlines.
"""
from __future__ import annotations

import re

from django import forms
from django.utils import timezone

from legalcredit.accounts.policy import Scope
from legalcredit.records import rules as record_rules
from legalcredit.records.models import CreditRecord

from .services.materials import KINDS

GRADE = "grade"


def items_of(subject, *, objection: bool) -> list[tuple[str, str]]:
    """What of a subject's file one may apply about: its current approved records (for a repair,
    the adverse ones only: a commendation has nothing to repair), its list entries in force and,
    for an objection, its grade. Values: a record number, list:<id>, grade."""
    from legalcredit.lists import selectors as lists
    from legalcredit.lists.services import list_name

    out = [(r.number, f"{record_rules.kind_name(r.kind)} {r.decision_no or r.number}"
                      f"（{r.decision_date}，记录编号 {r.number}）")
           for r in CreditRecord.objects.filter(subject=subject, is_current=True, review="approved",
                                                **({} if objection else {"severity__in": ["minor", "general", "serious"]}))
           .order_by("-decision_date", "pk")]
    out += [(f"list:{e.pk}", f"{list_name(e.list_code)} {e.decision_no}（至{e.listed_until}）")
            for e in lists.in_force_on([subject.pk], timezone.localdate())]
    if objection:
        out.append((GRADE, "信用等级"))
    return out


def target(value: str) -> dict:
    """The services' keywords for the item chosen or typed."""
    value = (value or "").strip()
    if value in (GRADE, "信用等级"):
        return {"grade": True}
    # Record numbers are hexadecimal, so an L never begins one.
    if m := re.fullmatch(r"(?:list:|[Ll])(\d+)", value):
        return {"list_entry_id": int(m.group(1))}
    return {"record_number": value}


class _ForSubject(forms.Form):
    """A subject's own account acts for itself (``own``; no subject field); an officer names the
    subject by identifier, within the officer's scope."""
    scope: Scope
    own = None

    def clean_subject(self):
        from legalcredit.registry.forms import subject_by_identifier

        return subject_by_identifier(self.cleaned_data["subject"], self.scope)

    def clean(self):
        d = super().clean()
        if self.own is not None:
            d["subject"] = self.own
        return d


class _ApplyForm(_ForSubject):
    subject = forms.CharField(label="信用主体", max_length=40, help_text="统一社会信用代码、公民身份号码或执业证号")
    item = forms.CharField(label="对象", max_length=60,
                           help_text="信用记录的记录编号（记录页面可见）；名单记录写 L 加编号，如 L12")
    kind = forms.ChoiceField(label="材料类别", choices=list(KINDS.items()), required=False)
    file = forms.FileField(label="证明材料（可选，PDF 或图片）", required=False)
    objection = False

    def __init__(self, *args, scope: Scope, own=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope, self.own = scope, own
        if own is not None:
            # Applying for oneself: the subject is known, the item is picked from one's own file.
            del self.fields["subject"]
            choices = items_of(own, objection=self.objection)
            self.fields["item"] = forms.ChoiceField(
                label="对象", choices=choices,
                help_text="" if choices else "您目前没有可以申请的信用记录或名单记录")


class RepairApplyForm(_ApplyForm):
    statement = forms.CharField(label="履行义务情况说明", widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
                                help_text="已纠正失信行为、履行法定义务（如缴纳罚款、完成整改）的情况")
    commitment_content = forms.CharField(label="信用修复承诺（可选，默认按标准承诺书）", required=False,
                                         widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))
    field_order = ["subject", "item", "statement", "commitment_content", "kind", "file"]


class ObjectionFileForm(_ApplyForm):
    objection = True
    applicant_name = forms.CharField(label="异议人", max_length=100)
    interest = forms.CharField(label="与该信息的利害关系", max_length=100, initial="信息主体本人")
    contact = forms.CharField(label="联系方式", max_length=100, required=False)
    grounds = forms.CharField(label="异议事实和理由", widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))
    field_order = ["subject", "item", "applicant_name", "interest", "contact", "grounds", "kind", "file"]

    def __init__(self, *args, own=None, **kwargs):
        super().__init__(*args, own=own, **kwargs)
        if own is not None:
            self.fields["applicant_name"].initial = own.name


class CommitmentForm(_ForSubject):
    """登记信用承诺: an officer registers one made in a matter (容缺受理, 告知承诺 ...) for a subject
    named by identifier; a subject's own account makes one for itself, of the types a subject may
    make on its own (remedies.yaml ``by_subject``), dated the day it is made."""
    subject = forms.CharField(label="承诺人", max_length=40, help_text="统一社会信用代码、公民身份号码或执业证号")
    commitment_type = forms.ChoiceField(label="承诺类型")
    cause = forms.CharField(label="承诺事由", max_length=300, help_text="如：律师事务所变更住所（容缺受理）；主动向社会作出承诺")
    content = forms.CharField(label="承诺内容", widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))
    liability = forms.CharField(label="违诺责任", widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))
    disclosure = forms.ChoiceField(label="公开类型", initial="public",
                                   help_text="可向社会公开的承诺在公示网站“信用承诺”栏目公示")
    made_on = forms.DateField(label="承诺作出日期", required=False, help_text="默认今天")
    valid_until = forms.DateField(label="承诺有效期至", required=False)
    accepting_unit = forms.CharField(label="承诺受理单位", max_length=200)
    accepting_unit_uscc = forms.CharField(label="承诺受理单位统一社会信用代码", max_length=18, required=False)
    matter_record = forms.CharField(label="关联许可/审批记录（可选）", max_length=40, required=False,
                                    help_text="承诺所涉许可等信用记录的记录编号")
    note = forms.CharField(label="备注", max_length=500, required=False)

    def __init__(self, *args, scope: Scope, own=None, unit: str = "", **kwargs):
        from legalcredit.domain.remedies import COMMITMENT_TYPES, DISCLOSURE

        from .services.common import policy

        super().__init__(*args, **kwargs)
        self.scope, self.own = scope, own
        types = policy().commitment_types
        self.fields["commitment_type"].choices = [(c, n) for c, n in COMMITMENT_TYPES.items()
                                                  if own is None or types[c].by_subject]
        self.fields["disclosure"].choices = list(DISCLOSURE.items())
        self.fields["accepting_unit"].initial = unit
        if own is not None:
            for name in ("subject", "made_on", "matter_record"):
                del self.fields[name]
            self.fields["accepting_unit"].help_text = "向其作出承诺的司法行政机关，如本机构所在地司法局"
            self.fields["cause"].help_text = "如：主动向社会作出信用承诺；律师行业诚信执业承诺"
            if not unit and own.region_id:
                region = own.region
                self.fields["accepting_unit"].initial = (f"{region.name}司法厅" if region.level == "province"
                                                         else f"{region.name}司法局")
