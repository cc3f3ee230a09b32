"""The back office's forms: a rating taken at the window, a bad review's follow-up, a round's tally."""
from __future__ import annotations

from django import forms

from legalcredit.accounts.policy import Scope

from .services import rules


class RatingForm(forms.Form):
    subject = forms.CharField(label="评价对象", max_length=40, help_text="统一社会信用代码、公民身份号码或执业证号")
    service = forms.ChoiceField(label="服务事项")
    service_ref = forms.CharField(label="办件编号", max_length=64, help_text="同一办件只能评价一次")
    served_on = forms.DateField(label="服务日期")
    level = forms.TypedChoiceField(label="评价等级", coerce=int)
    comment = forms.CharField(label="评价意见", required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
                              help_text="差评须说明原因")
    rater_name = forms.CharField(label="评价人（可不填）", max_length=100, required=False)
    rater_contact = forms.CharField(label="评价人联系方式（差评回访用，可不填）", max_length=100, required=False)

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        r = rules()
        self.fields["service"].choices = list(r.services.items())
        self.fields["level"].choices = [(v.value, v.name) for v in sorted(r.levels.values(), key=lambda v: -v.value)]

    def clean_subject(self):
        from legalcredit.registry.forms import subject_by_identifier

        return subject_by_identifier(self.cleaned_data["subject"], self.scope)


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(label="核实结果")
    note = forms.CharField(label="回访核实和整改情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
                           help_text="回访的时间、方式和评价人意见，核实的情况，整改措施或解释说明的内容")
    on = forms.DateField(label="办结日期（默认今天）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", "—"), *rules().outcomes.items()]


class TallyForm(forms.Form):
    day = forms.DateField(label="评价期内任一日", help_text="如 2026-09-30 即汇总2026年第3季度；评价期结束后才能汇总")
    authority = forms.CharField(label="决定机关", max_length=200, help_text="形成满意度评价记录的司法行政机关")
    authority_uscc = forms.CharField(label="决定机关统一社会信用代码", max_length=18)
