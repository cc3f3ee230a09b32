"""An officer's credit check in the back office, and the feedback on what it triggered."""
from __future__ import annotations

from django import forms

from legalcredit.domain.identifiers import IdentifierError, id_number, uscc
from legalcredit.lists.services import catalogue

from .services import MAX_SUBJECTS


def _valid(check, value: str) -> bool:
    try:
        check(value)
    except IdentifierError:
        return False
    return True


def query_for(line: str) -> dict:
    """A typed identifier as the check's query: an ID number or a USCC when its check digits say
    so (both are 18 characters), else a licence number. One in about 31 ID numbers also passes the
    USCC check, so a number valid as both is a USCC only when a subject holds it as one."""
    from legalcredit.registry.models import Subject

    value = line.strip().upper()
    as_id, as_uscc = _valid(id_number.validate, value), _valid(uscc.validate, value)
    if as_id and as_uscc:
        return {"uscc": value} if Subject.objects.filter(uscc=value).exists() else {"id_number": value}
    if as_id:
        return {"id_number": value}
    if as_uscc:
        return {"uscc": value}
    return {"license_no": value}


class CheckForm(forms.Form):
    subjects = forms.CharField(label="核查对象", widget=forms.Textarea(attrs={"rows": 4, "cols": 40}),
                               help_text=f"每行一个：统一社会信用代码、公民身份号码或执业证号（一次最多 {MAX_SUBJECTS} 个）")
    matter = forms.ChoiceField(label="事项类型")
    purpose = forms.CharField(label="核查用途", max_length=200, help_text="登记在回执和审计日志中，如“2026年度优秀律师评选资格审查”")
    on = forms.DateField(label="核查基准日", required=False, help_text="默认今天；填写过去的日期，答复当日的信用状况")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].choices = [(c, m.name) for c, m in catalogue().matter_types.items()]

    def clean_subjects(self):
        lines = [ln.strip() for ln in self.cleaned_data["subjects"].splitlines() if ln.strip()]
        if len(lines) > MAX_SUBJECTS:
            raise forms.ValidationError(f"一次最多 {MAX_SUBJECTS} 个（本次 {len(lines)} 个）")
        return [query_for(ln) for ln in lines]


class FeedbackForm(forms.Form):
    measure = forms.ChoiceField(label="措施")
    applied = forms.TypedChoiceField(label="采取情况", choices=[("1", "已采取"), ("0", "未采取")],
                                     coerce=lambda v: v == "1")
    reason = forms.CharField(label="未采取的理由", required=False, max_length=500)

    def __init__(self, *args, measures: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = measures


def _account_with_unit(user) -> str:
    unit = getattr(getattr(user, "officer", None), "unit", "")
    return f"{user.get_username()}（{unit}）" if unit else user.get_username()


class PushEndpointForm(forms.Form):
    owner = forms.ModelChoiceField(label="关注单位账号", queryset=None,
                                   help_text="持有信用核查（checks:run）接口令牌的部门账号")
    url = forms.CharField(label="推送地址", max_length=500, widget=forms.URLInput(attrs={"size": 80}),
                          help_text="对方系统接收变动提醒的 http(s) 地址；平台不跟随重定向")
    from_start = forms.BooleanField(label="同时推送此前已有的变动提醒", required=False,
                                    help_text="不勾选则只推送登记之后发现的变动（此前的可从变动提醒接口读取）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        from legalcredit.accounts.models import ApiToken

        # Few tokens exist (one per department system); their scopes are a JSON list, read here.
        holders = {t.owner_id for t in ApiToken.objects.filter(revoked_at__isnull=True).only("owner_id", "scopes")
                   if "checks:run" in t.scopes}
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True, pk__in=holders).order_by(
            "username").select_related("officer")
        self.fields["owner"].label_from_instance = _account_with_unit


class EndPushForm(forms.Form):
    reason = forms.CharField(label="停止原因", max_length=300, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))
