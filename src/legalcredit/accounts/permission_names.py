"""Django names its default permissions in English ("Can add 投诉") whatever the language: it
builds them as 'Can %s %s' when the models are migrated. The back office is in Chinese, so after
every migrate the default ones are renamed (添加投诉, ...); custom permissions keep their own names."""
from __future__ import annotations

import re

ACTIONS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}
_DEFAULT = re.compile(r"^Can (add|change|delete|view) (.+)$")


def chinese(name: str) -> str | None:
    """The Chinese name of a default permission's English one; None for any other name."""
    m = _DEFAULT.match(name)
    return f"可以{ACTIONS[m.group(1)]}{m.group(2)}" if m else None


def rename(using: str = "default", **kwargs) -> int:
    from django.contrib.auth.models import Permission

    n = 0
    for perm in Permission.objects.using(using).filter(name__startswith="Can "):
        new = chinese(perm.name)
        if new and new != perm.name:
            perm.name = new[:255]
            perm.save(update_fields=["name"], using=using)
            n += 1
    return n


def on_post_migrate(sender, using="default", **kwargs) -> None:
    rename(using)
