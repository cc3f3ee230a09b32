"""Form pieces other apps' back-office pages share."""
from __future__ import annotations

from django import forms

from legalcredit.accounts.policy import Scope

from . import selectors


def subject_by_identifier(text: str, scope: Scope):
    """The one subject in the officer's scope that a full USCC, ID number or licence number names."""
    text = (text or "").strip()
    base = selectors.visible_subjects(scope)
    for field, value in selectors.identifier_candidates(text):
        found = list(base.filter(**{field: value})[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise forms.ValidationError(f"执业证号 {text} 对应多个主体，请改用统一社会信用代码或公民身份号码")
    raise forms.ValidationError(f"在您的辖区内未找到标识为 {text} 的主体（须为完整的统一社会信用代码、"
                                "公民身份号码或执业证号）")
