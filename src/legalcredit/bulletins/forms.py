from __future__ import annotations

from django import forms

from legalcredit.core.admin_forms import DateInput
from legalcredit.refdata.models import SubjectType


class BulletinForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    region = forms.ChoiceField(label="通报范围")
    subject_types = forms.MultipleChoiceField(label="通报的机构和人员类型", widget=forms.CheckboxSelectMultiple)
    period_from = forms.DateField(label="统计期间起", widget=DateInput)
    period_until = forms.DateField(label="统计期间止", widget=DateInput)
    issuer = forms.CharField(label="发布机关", max_length=200)
    body = forms.CharField(label="典型案例及服务质量问题", widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
                           help_text="发布时附上统计期间内行政处罚、行业处分、投诉查实、抽查不合格和法律援助评查不合格的数量")

    def __init__(self, *args, scope, **kwargs):
        from legalcredit.inspections.forms import _regions

        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _regions(scope)
        self.fields["subject_types"].choices = list(SubjectType.objects.order_by("kind", "code")
                                                    .values_list("code", "name"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回理由", widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))
