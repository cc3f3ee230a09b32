"""Django names its default permissions in English ("Can add 投诉", "Can add access attempt")
whatever the language: it builds them as 'Can %s %s' from the untranslated model name when the
models are migrated. The back office is in Chinese, so after every migrate the default ones are
renamed from the model's name in the platform's language (可以添加投诉, 可以添加登录失败尝试);
custom permissions keep their own names."""
from __future__ import annotations

import re

ACTIONS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}
_DEFAULT = re.compile(r"^Can (add|change|delete|view) (.+)$")


def chinese(name: str, model_name: str | None = None) -> str | None:
    """The Chinese name of a default permission's English one (``model_name``: the model's name in
    Chinese, if known); None for any other name."""
    m = _DEFAULT.match(name)
    return f"可以{ACTIONS[m.group(1)]}{model_name or m.group(2)}" if m else None


def rename(using: str = "default", **kwargs) -> int:
    from django.conf import settings
    from django.contrib.auth.models import Permission
    from django.utils import translation

    n = 0
    with translation.override(settings.LANGUAGE_CODE):
        for perm in Permission.objects.using(using).filter(name__startswith="Can ").select_related("content_type"):
            model = perm.content_type.model_class()
            new = chinese(perm.name, str(model._meta.verbose_name) if model is not None else None)
            if new and new != perm.name:
                perm.name = new[:255]
                perm.save(update_fields=["name"], using=using)
                n += 1
    return n


def on_post_migrate(sender, using="default", **kwargs) -> None:
    rename(using)
