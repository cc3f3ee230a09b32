"""Registering a complaint in the back office, and the handling form of its case page."""
from __future__ import annotations

from django import forms

from legalcredit.accounts.policy import Scope

from .services import rules

ACTIONS = {
    "supplement": ("通知补正（一次性告知，暂停计时）", ("received",)),
    "supplement_received": ("收到补正材料（恢复计时）", ("supplement",)),
    "accept": ("受理", ("received",)),
    "not_accept": ("不予受理", ("received", "supplement")),
    "investigate": ("记录调查情况 / 被投诉人陈述申辩", ("accepted",)),
    "extend": ("批准延长处理期限（审核员）", ("accepted", "reviewed")),
    "review": ("审核：提出处理意见", ("accepted",)),
    "decide": ("作出处理决定（审核员）", ("reviewed",)),
    "notify": ("已告知投诉人和被投诉人（办结）", ("decided",)),
    "link": ("关联处罚或行业处分记录", ("decided", "closed")),
}


def _choices(mapping) -> list[tuple[str, str]]:
    return [("", "—"), *mapping.items()]


class ComplaintFileForm(forms.Form):
    subject = forms.CharField(label="被投诉对象", max_length=40, help_text="统一社会信用代码、公民身份号码或执业证号")
    channel = forms.ChoiceField(label="投诉渠道")
    referred_by = forms.CharField(label="转办单位", max_length=200, required=False)
    received_on = forms.DateField(label="收到日期（默认今天）", required=False)
    complainant_name = forms.CharField(label="投诉人", max_length=100)
    complainant_contact = forms.CharField(label="投诉人联系方式", max_length=100, required=False)
    interest = forms.CharField(label="与投诉事项的利害关系", max_length=200, help_text="如：委托人、案件当事人")
    known_on = forms.DateField(label="知道或应当知道之日", required=False, help_text="有投诉时效的行业据此核对时效")
    facts = forms.CharField(label="投诉事实和理由", widget=forms.Textarea(attrs={"rows": 5, "cols": 80}))
    requests = forms.CharField(label="投诉请求", required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))
    file = forms.FileField(label="证据材料（可选，PDF 或图片）", required=False)

    def __init__(self, *args, scope: Scope, own=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["channel"].choices = [(k, v) for k, v in rules().channels.items() if k != "portal"]

    def clean_subject(self):
        from legalcredit.registry.forms import subject_by_identifier

        return subject_by_identifier(self.cleaned_data["subject"], self.scope)


class ComplaintActForm(forms.Form):
    action = forms.ChoiceField(label="办理事项")
    on = forms.DateField(label="日期（默认今天）", required=False)
    text = forms.CharField(label="意见 / 理由 / 补正内容 / 调查情况", required=False,
                           widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))
    statement = forms.CharField(label="被投诉人陈述申辩", required=False,
                                widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))
    authority = forms.CharField(label="处理机关（受理时）", required=False, max_length=200)
    authority_uscc = forms.CharField(label="处理机关统一社会信用代码（受理时）", required=False, max_length=18)
    reason_code = forms.ChoiceField(label="不予受理情形", required=False)
    finding = forms.ChoiceField(label="认定结论", required=False)
    handling = forms.ChoiceField(label="处理方式", required=False)
    record = forms.CharField(label="关联记录编号", required=False, max_length=40)
    kind = forms.ChoiceField(label="材料类别", required=False, choices=[("other", "证据材料")])
    file = forms.FileField(label="文件", required=False)

    def __init__(self, *args, stage: str, actions: dict, **kwargs):
        super().__init__(*args, **kwargs)
        r = rules()
        self.fields["action"].choices = [(k, v[0]) for k, v in actions.items() if stage in v[1]]
        self.fields["reason_code"].choices = _choices(r.not_accepted)
        self.fields["finding"].choices = _choices({k: f.name for k, f in r.findings.items()})
        self.fields["handling"].choices = _choices(r.handlings)


class PublicComplaintForm(forms.Form):
    """A complaint made on the public portal (12348 法网 works the same way)."""
    complainant_name = forms.CharField(label="投诉人姓名或名称", max_length=100)
    complainant_contact = forms.CharField(label="联系电话", max_length=40,
                                          help_text="用于告知受理和处理结果，不公开")
    interest = forms.CharField(label="与投诉事项的关系", max_length=200, help_text="如：委托人、案件当事人及其近亲属")
    known_on = forms.DateField(label="知道该行为的日期（可选）", required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    facts = forms.CharField(label="投诉事实和理由", max_length=5000, widget=forms.Textarea(attrs={"rows": 8, "cols": 70}),
                            help_text="时间、地点、经过，以及能够证明的材料")
    requests = forms.CharField(label="投诉请求（可选）", max_length=1000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2, "cols": 70}))
    file = forms.FileField(label="证据材料（可选）", required=False,
                           help_text="一个 PDF、OFD、JPG 或 PNG 文件，如委托合同、收费票据；更多材料可在受理后补充")


class AlertHandleForm(forms.Form):
    response = forms.ChoiceField(label="处置方式")
    note = forms.CharField(label="处置情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
                           help_text="采取的措施和结果，例如约谈的时间、对象和整改要求")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].choices = _choices(rules().responses)
