"""Turning rule failures into field-named Chinese validation errors."""
from __future__ import annotations

from django.core.exceptions import ValidationError

from legalcredit.domain.identifiers import IdentifierError


def field_error(field: str, label: str, message: str) -> ValidationError:
    """A ValidationError whose text names the field: “统一社会信用代码：校验码错误，应为 L”."""
    return ValidationError({field: f"{label}：{message}"})


def identifier_error(field: str, label: str, exc: IdentifierError) -> ValidationError:
    err = field_error(field, label, exc.message)
    err.error_dict[field][0].code = exc.code
    return err


def raise_for_api(exc) -> None:
    """A service's refusal (Django's PermissionDenied or ValidationError) as the REST API answers
    it: 403 with the reason, or 400 with each field's message."""
    from django.core.exceptions import PermissionDenied
    from rest_framework import exceptions

    if isinstance(exc, PermissionDenied):
        raise exceptions.PermissionDenied(str(exc)) from None
    raise exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}) from None
