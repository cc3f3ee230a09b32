from django import forms

from .services import rules


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label="处理结果")
    discipline_number = forms.CharField(label="行业处分记录编号", max_length=36, required=False,
                                        help_text="已给予行业处分的，先在“信用记录”中录入该行业处分，再填写其12位记录编号")
    note = forms.CharField(label="研究处理情况", max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
                           help_text="研究的时间、结论和依据；不予行业处分的须说明理由")
    on = forms.DateField(label="反馈日期（默认今天）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", "—"), *rules().outcomes.items()]
