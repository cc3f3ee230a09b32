"""TOTP second factor (GB/T 22239 level 3: two kinds of authentication for privileged users).

Who must use it is data: roles with ``two_factor: true`` in roles.yaml (administrators and
checkers), and superusers. django-otp keeps the devices, checks codes (with its throttling
against guessing) and marks the session verified; this module decides who needs it and
handles enrolment.
"""
from __future__ import annotations

import io

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


def required(user) -> bool:
    """From the roles the access policy already read for this request (superusers: always)."""
    from .policy import scope_for

    return settings.TWO_FACTOR_REQUIRED and scope_for(user).two_factor


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


@transaction.atomic
def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device a user is enrolling, made once and shown until confirmed."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="动态口令", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG, drawn here (no image service, works offline)."""
    import segno

    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", scale=4, xmldecl=False,
                                                  svgns=True, omitsize=False)
    return out.getvalue().decode("utf-8")


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an authenticator by hand."""
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def verify(device: TOTPDevice, token: str) -> bool:
    """django-otp checks the throttle, the drift window and replays."""
    token = (token or "").strip().replace(" ", "")
    return token.isdigit() and device.verify_token(token)


def wait_seconds(device: TOTPDevice) -> int:
    """Seconds until django-otp's throttle lets this device try again (0: it may now); the
    wait doubles with every wrong code in a row."""
    from django.utils import timezone

    allowed, info = device.verify_is_allowed()
    if allowed:
        return 0
    until = (info or {}).get("locked_until")
    return max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
