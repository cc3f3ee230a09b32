"""Accounts the demo province comes with."""
from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from legalcredit.refdata.models import Region

from .models import OfficerProfile

COUNTY_OFFICER_GROUP = "县级办理员"
COUNTY_OFFICER_PERMS = [
    ("registry", "view_subject"), ("registry", "add_subject"), ("registry", "change_subject"),
    ("registry", "view_institution"), ("registry", "add_institution"),
    ("registry", "change_institution"), ("registry", "view_practitioner"),
    ("registry", "add_practitioner"), ("registry", "change_practitioner"),
    ("registry", "view_affiliation"), ("registry", "add_affiliation"),
    ("registry", "change_affiliation"), ("registry", "view_formername"),
    ("refdata", "view_region"), ("refdata", "view_subjecttype"), ("refdata", "view_subjectstatus"),
    ("refdata", "view_calendarday"),
]


def demo_logins_file() -> Path:
    return Path(settings.HOME) / "demo-logins.txt"


@transaction.atomic
def ensure_demo_users(province_code: str) -> list[tuple[str, str, str]]:
    """An administrator and a county officer; passwords are random per installation.

    Returns (username, password, role) rows and keeps them in
    LEGALCREDIT_HOME/demo-logins.txt (mode 600) so `serve` can show them again.
    """
    path = demo_logins_file()
    if path.exists():
        return [tuple(line.split("\t")) for line in path.read_text("utf-8").splitlines() if line]
    User = get_user_model()
    group, _ = Group.objects.get_or_create(name=COUNTY_OFFICER_GROUP)
    perms = [Permission.objects.get(content_type__app_label=a, codename=c)
             for a, c in COUNTY_OFFICER_PERMS]
    group.permissions.set(perms)
    county = (Region.objects.filter(code__startswith=province_code[:2], level="county",
                                    in_force=True).order_by("code").first())
    rows = []
    admin_pw, county_pw = secrets.token_urlsafe(9), secrets.token_urlsafe(9)
    admin, _ = User.objects.get_or_create(username="admin", defaults={"is_staff": True,
                                                                      "is_superuser": True})
    admin.set_password(admin_pw)
    admin.save()
    rows.append(("admin", admin_pw, "省级管理员（全部数据）"))
    officer, _ = User.objects.get_or_create(username="county", defaults={"is_staff": True})
    officer.set_password(county_pw)
    officer.save()
    officer.groups.add(group)
    OfficerProfile.objects.update_or_create(user=officer, defaults={
        "region": county, "unit": f"{county.name}司法局"})
    rows.append(("county", county_pw, f"县级办理员（{county.name}）"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(r) + "\n" for r in rows), "utf-8")
    path.chmod(0o600)
    return rows
