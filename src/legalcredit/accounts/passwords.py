"""Password complexity (GB/T 22239-2019 8.1.4.1 a: 口令应具有复杂度要求)."""
from __future__ import annotations

from django.core.exceptions import ValidationError

CLASSES = (("大写字母", str.isupper), ("小写字母", str.islower), ("数字", str.isdigit),
           ("符号", lambda c: not c.isalnum()))


class CharacterClassValidator:
    """At least ``min_classes`` of upper case, lower case, digits and symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        used = [name for name, test in CLASSES if any(test(c) for c in password)]
        if len(used) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类"
                f"（当前只有：{'、'.join(used) or '无'}）", code="password_too_simple")

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"
