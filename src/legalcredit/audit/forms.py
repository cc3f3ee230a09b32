from django import forms

from .models import AccessFinding


class DecideFindingForm(forms.Form):
    decision = forms.ChoiceField(label="审查意见", widget=forms.RadioSelect, choices=[
        (AccessFinding.Decision.JUSTIFIED, "用途正当（已核实业务事项）"),
        (AccessFinding.Decision.REFERRED, "移交调查（疑似违规查询、泄露或谋私）")])
    note = forms.CharField(label="核实情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
                           help_text="如：核实的业务事项（案件、审批、抽查编号），询问本人的情况")


class CloseReviewForm(forms.Form):
    conclusion = forms.CharField(label="审查结论", max_length=4000, widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
                                 help_text="本月查询使用总体情况、移交调查的事项和整改要求")
