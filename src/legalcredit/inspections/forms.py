from django import forms
from django.utils import timezone

from legalcredit.records import rules as record_rules
from legalcredit.refdata.models import Region

from . import selectors
from .models import Inspector


def _regions(scope):
    """The province's regions the officer may plan for: their own and everything under it (a
    county officer, their county)."""
    from django.conf import settings

    from legalcredit.accounts.policy import regions

    province = Region.objects.get(code=settings.LEGALCREDIT_PROVINCE).jurisdiction_prefix
    return [(r.code, f"{r.code} {r.name}")
            for r in regions(scope).filter(code__startswith=province).order_by("code")]


class InspectorForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=60)
    unit = forms.CharField(label="所在单位", max_length=200)
    region = forms.CharField(label="所属行政区划代码", max_length=6, help_text="6位代码，如 320800（淮安市）")
    enforcement_no = forms.CharField(label="执法证号", max_length=40)
    post = forms.CharField(label="职务", max_length=60, required=False)


class ConflictForm(forms.Form):
    inspector = forms.ModelChoiceField(label="检查人员", queryset=Inspector.objects.none())
    subject = forms.CharField(label="检查对象", max_length=40, help_text="统一社会信用代码、公民身份号码或执业证号")
    reason = forms.CharField(label="回避事由", max_length=200, help_text="如：曾在该机构执业；近亲属在该机构执业")

    def __init__(self, *args, scope, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["inspector"].queryset = inspectors

    def clean_subject(self):
        from legalcredit.registry.forms import subject_by_identifier

        return subject_by_identifier(self.cleaned_data["subject"], self.scope)


class PlanForm(forms.Form):
    name = forms.CharField(label="抽查任务名称", max_length=200)
    item = forms.ChoiceField(label="抽查事项")
    region = forms.ChoiceField(label="抽查范围")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    authority = forms.CharField(label="检查机关", max_length=200)
    authority_uscc = forms.CharField(label="检查机关统一社会信用代码", max_length=18)
    inspect_from = forms.DateField(label="检查开始日")
    inspect_until = forms.DateField(label="检查结束日")

    def __init__(self, *args, scope, unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        items = selectors.rules().items.values()
        self.fields["item"].choices = [(i.code, f"{i.name}（{i.legal_basis}）") for i in items]
        self.fields["region"].choices = _regions(scope)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["authority"].initial = unit


class ResultForm(forms.Form):
    inspected_on = forms.DateField(label="检查日期")
    result = forms.ChoiceField(label="检查结果")
    findings = forms.CharField(label="检查情况", widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
                               help_text="发现的问题及处理（责令整改的写明期限）；公示的检查结果包含此内容")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [(s, s) for s in record_rules.kinds()["inspection"].subtypes]
        self.fields["inspected_on"].initial = timezone.localdate()
