"""The score sheet in the back office: one field per checklist item of the case type chosen, the
vetoes as boxes to tick; the services score it and say which item is wrong."""
from __future__ import annotations

from django import forms

from legalcredit.accounts.policy import Scope
from legalcredit.core.admin_forms import DateInput

from .services import rules


class _Sheet(forms.Form):
    def add_items(self, case_type: str):
        r = rules()
        for item in r.checklists[case_type].items:
            self.fields[f"item_{item.code}"] = forms.DecimalField(
                label=f"{item.name}（{item.points}分）", min_value=0, max_value=item.points, decimal_places=1)
        self.fields["vetoes"] = forms.MultipleChoiceField(
            label="否决情形（任一即评为相应等次）", required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(v.code, f"{v.name}（{v.band}）") for v in r.vetoes.values()])
        self.fields["opinion"] = forms.CharField(label="评查意见", widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))

    def marks(self) -> dict:
        return {k[5:]: v for k, v in self.cleaned_data.items() if k.startswith("item_")}


class ScoreForm(_Sheet):
    subject = forms.CharField(label="承办人员", max_length=40, help_text="公民身份号码或执业证号")
    institution = forms.CharField(label="指派的法律援助机构（可选）", max_length=40, required=False,
                                  help_text="统一社会信用代码")
    case_no = forms.CharField(label="法律援助案号", max_length=60)
    case_closed_on = forms.DateField(label="结案日期", widget=DateInput)
    method = forms.ChoiceField(label="评查方式")
    authority = forms.CharField(label="组织评查的机关", max_length=200)
    authority_uscc = forms.CharField(label="组织机关统一社会信用代码", max_length=18)
    reviewer_name = forms.CharField(label="评查人", max_length=100)
    reviewer_unit = forms.CharField(label="评查人单位", max_length=200, required=False)
    reviewed_on = forms.DateField(label="评查日期（默认今天）", required=False, widget=DateInput)

    def __init__(self, *args, scope: Scope, case_type: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["method"].choices = list(rules().methods.items())
        self.add_items(case_type)

    def _subject(self, field: str):
        from legalcredit.registry.forms import subject_by_identifier

        value = self.cleaned_data.get(field)
        return subject_by_identifier(value, self.scope) if value else None

    def clean_subject(self):
        return self._subject("subject")

    def clean_institution(self):
        return self._subject("institution")


class RereviewForm(_Sheet):
    reviewer_name = forms.CharField(label="复查人", max_length=100, help_text="原评查人以外的人员")
    reviewer_unit = forms.CharField(label="复查人单位", max_length=200, required=False)
    on = forms.DateField(label="复查日期（默认今天）", required=False, widget=DateInput)

    def __init__(self, *args, case_type: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_items(case_type)
