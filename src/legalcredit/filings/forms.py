"""The handling form of a penalty filing's page: the city files and updates rectification, the
province signs or returns."""
from __future__ import annotations

from django import forms

from .services import rules

ACTIONS = {
    "file": ("报送（行政处罚决定书、违规事实、法律依据、整改情况）", ("due", "returned"), "filings.file_penaltyfiling"),
    "rectify": ("更新整改情况", ("filed", "received"), "filings.file_penaltyfiling"),
    "receive": ("签收", ("filed",), "filings.receive_penaltyfiling"),
    "send_back": ("退回补报", ("filed",), "filings.receive_penaltyfiling"),
}


def actions_for(user) -> dict:
    """The actions as the case form takes them ({code: (label, stages)}), those the user may take."""
    return {k: (label, stages) for k, (label, stages, perm) in ACTIONS.items() if user.has_perm(perm)}


class FilingActForm(forms.Form):
    action = forms.ChoiceField(label="办理事项")
    on = forms.DateField(label="日期（默认今天）", required=False)
    file = forms.FileField(label="行政处罚决定书", required=False,
                           help_text="首次报送必传（PDF、OFD 或图片）；补报时不传则沿用已上传的文书")
    facts = forms.CharField(label="违规事实", required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))
    legal_basis = forms.CharField(label="法律依据", required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))
    rectification = forms.ChoiceField(label="整改情况", required=False)
    rectification_note = forms.CharField(label="整改情况说明", required=False,
                                         widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
                                         help_text="整改的措施、进度，或尚未整改的原因")
    text = forms.CharField(label="签收意见 / 退回原因", required=False,
                           widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))

    def __init__(self, *args, stage: str, actions: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(k, v[0]) for k, v in actions.items() if stage in v[1]]
        self.fields["rectification"].choices = [("", "—"), *rules().rectification.items()]
