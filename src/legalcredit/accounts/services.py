"""Roles (from refdata/data/roles.yaml), role assignment, and the demo accounts."""
from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Count, Q

from legalcredit.refdata.models import Region
from legalcredit.registry.models import Subject

from .models import OfficerProfile, Role


def sync_roles(doc: dict) -> int:
    """Create or update one group per role with exactly the listed permissions.

    Patterns: ``app.*`` (every permission of the app), ``app.view_*`` (every
    view permission), or ``app.codename``.
    """
    count = 0
    for item in doc["roles"]:
        perms = set()
        for pattern in item.get("permissions", []):
            app, _, code = pattern.partition(".")
            qs = Permission.objects.filter(content_type__app_label=app)
            if code.endswith("*"):
                qs = qs.filter(codename__startswith=code[:-1])
            else:
                qs = qs.filter(codename=code)
            found = list(qs)
            if not found:
                raise ValueError(f"角色 {item['code']} 的权限 {pattern} 不存在")
            perms.update(found)
        group, _ = Group.objects.get_or_create(name=item["name"])
        group.permissions.set(perms)
        Role.objects.update_or_create(code=item["code"], defaults={
            "name": item["name"], "group": group, "scope": item["scope"],
            "full_id_number": item.get("full_id_number", False),
            "two_factor": item.get("two_factor", False),
            "record_kinds": item.get("record_kinds", [])})
        count += 1
    return count


def assign(user, role_code: str, *, region=None, subject=None, unit: str = "", sector: str = "") -> None:
    user.groups.add(Role.objects.get(code=role_code).group)
    OfficerProfile.objects.update_or_create(user=user, defaults={
        "region": region, "subject": subject, "unit": unit, "sector": sector})
    user.__dict__.pop("_legalcredit_scope", None)


def _demo_password() -> str:
    """Random, and meeting the platform's own password policy."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    while True:
        candidate = secrets.token_urlsafe(9)
        try:
            validate_password(candidate)
            return candidate
        except ValidationError:
            continue


def demo_login_lines(logins) -> list[str]:
    """How `serve` and `demo` show the demo accounts, saying which need a TOTP code."""
    from . import two_factor

    User = get_user_model()
    lines = []
    for username, password, role in logins:
        user = User.objects.filter(username=username).first()
        second = "（首次登录用手机认证器绑定动态口令）" if user and two_factor.required(user) else ""
        lines.append(f"  演示账号 {username:8} 密码 {password:14} {role}{second}")
    return lines


def demo_logins_file() -> Path:
    return Path(settings.HOME) / "demo-logins.txt"


def demo_officers():
    """(county maker, city checker, the maker's county) of the demo, for the demo cases each app
    builds; None when the demo users are not there (a registry without them)."""
    User = get_user_model()
    maker = User.objects.filter(username="county").select_related("officer__region").first()
    checker = User.objects.filter(username="checker").first()
    region = getattr(getattr(maker, "officer", None), "region", None)
    if checker is None or region is None:
        return None
    return maker, checker, region


@transaction.atomic
def ensure_demo_users(province_code: str) -> list[tuple[str, str, str]]:
    """An administrator, a county maker, a city checker, the city's lawyers association and a
    law-firm user; passwords are
    random per installation.

    Returns (username, password, role) rows and keeps them in
    LEGALCREDIT_HOME/demo-logins.txt (mode 600) so `serve` can show them again.
    """
    path = demo_logins_file()
    User = get_user_model()
    if path.exists():
        kept = [tuple(line.split("\t")) for line in path.read_text("utf-8").splitlines() if line]
        # The file outlives a database that was dropped or switched (DATABASE_URL): its logins
        # are shown only while they exist, or an officer would be handed passwords that fail.
        if kept and User.objects.filter(username__in=[k[0] for k in kept]).count() == len(kept):
            return kept
    prefix = province_code[:2]
    counties = Region.objects.filter(code__startswith=prefix, level="county", in_force=True, parent__level="city")
    # The county with the most subjects (and a law firm for the institution user), so the county
    # officer's queues have cases in them; the first by code when the registry is empty.
    busiest = (Subject.objects.filter(region__in=counties).values("region")
               .annotate(n=Count("pk"), firms=Count("pk", filter=Q(subject_type="law_firm")))
               .filter(firms__gt=0).order_by("-n", "region").first())
    county = counties.get(code=busiest["region"]) if busiest else counties.order_by("code").first()
    city = county.parent
    firm = Subject.objects.filter(subject_type="law_firm", region_id=county.code).first()
    plan = [
        ("admin", None, "省级管理员（超级用户，全部数据）", {}),
        ("county", "county_maker", f"县级办理员（{city.name}{county.name}）",
         {"region": county, "unit": f"{city.name}{county.name}司法局"}),
        ("checker", "city_checker", f"市级审核员（{city.name}）", {"region": city, "unit": f"{city.name}司法局"}),
        ("lawyers", "association", f"行业协会（{city.name}律师协会）", {"region": city, "unit": f"{city.name}律师协会", "sector": "lawyers"}),
    ]
    if firm is not None:
        plan.append(("firm", "institution_user", f"机构用户（{firm.name}）", {"subject": firm, "unit": firm.name}))
    rows = []
    for username, role, label, where in plan:
        password = _demo_password()
        user, _ = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        user.is_staff, user.is_superuser = True, role is None
        user.set_password(password)
        user.save()
        if role:
            assign(user, role, **where)
        rows.append((username, password, label))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(r) + "\n" for r in rows), "utf-8")
    path.chmod(0o600)
    return rows
