"""Administrators and checkers confirm every login with a TOTP code; makers do not."""
import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from legalcredit.audit.models import AuditEntry

PASSWORD = "x-Strong-pass-1"


def code(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += offset * device.step
    return f"{totp.token():0{device.digits}d}"


def password_login(client, user):
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD,
                                             "next": "/admin/records/creditrecord/"})
    assert response.status_code == 302
    return response


def test_a_checker_enrols_an_authenticator_at_first_login_and_then_gets_in(client, checker):
    password_login(client, checker)
    held = client.get("/admin/records/creditrecord/")
    assert held.status_code == 302 and held["Location"].startswith("/admin/otp/?next=")
    page = client.get(held["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "绑定动态口令" in html
    assert 'class="otp-qr"' in html and 'class="segno"' in html, "the QR code is drawn inline"
    device = TOTPDevice.objects.get(user=checker, confirmed=False)
    assert "".join(html.split("<code>")[1].split("</code>")[0].split()) in device.config_url

    wrong = client.post("/admin/otp/", {"token": "12345x", "next": "/admin/records/creditrecord/"})
    assert wrong.status_code == 400 and "动态口令（token）" in wrong.content.decode()
    assert client.get("/admin/records/creditrecord/").status_code == 302, "still held"

    ok = client.post("/admin/otp/", {"token": code(device), "next": "/admin/records/creditrecord/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/records/creditrecord/"
    assert client.get("/admin/records/creditrecord/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    logged = list(AuditEntry.objects.filter(actor=checker.username).values_list("action", "summary"))
    assert ("login_failed", f"{checker.username} 动态口令错误") in logged
    assert ("login", f"{checker.username} 通过动态口令验证（首次绑定）") in logged


def test_the_next_login_asks_for_the_code_without_showing_the_secret_again(client, checker):
    device = TOTPDevice.objects.create(user=checker, name="动态口令", confirmed=True)
    password_login(client, checker)
    page = client.get("/admin/otp/")
    assert "动态口令验证" in page.content.decode() and 'class="otp-qr"' not in page.content.decode()
    assert client.post("/admin/otp/", {"token": code(device, offset=-1)}).status_code == 302, \
        "one step of clock drift is tolerated"
    assert client.get("/admin/").status_code == 200


def test_a_used_code_cannot_be_replayed_and_guessing_is_throttled(client, checker):
    device = TOTPDevice.objects.create(user=checker, name="动态口令", confirmed=True)
    password_login(client, checker)
    token = code(device)
    assert client.post("/admin/otp/", {"token": token}).status_code == 302
    client.post("/admin/logout/")
    password_login(client, checker)
    assert client.post("/admin/otp/", {"token": token}).status_code == 400, "replay refused"
    for _ in range(3):
        client.post("/admin/otp/", {"token": "000000"})
    throttled = client.post("/admin/otp/", {"token": code(device, offset=1)})
    assert throttled.status_code == 400 and "连续输入错误，请于" in throttled.content.decode()


def test_a_maker_needs_no_second_factor(client, maker):
    password_login(client, maker)
    assert client.get("/admin/records/creditrecord/").status_code == 200
    assert not TOTPDevice.objects.filter(user=maker).exists()


def test_an_unverified_session_gets_no_api_data(client, checker, law_firm):
    password_login(client, checker)
    url = f"/api/v1/subjects/{law_firm.pk}/"
    response = client.get(url, {"purpose": "日常监管"})
    assert response.status_code == 403 and "动态口令" in response.json()["detail"]
    assert client.get(url, {"purpose": "日常监管"}, HTTP_AUTHORIZATION="Basic eDp5").status_code == 403
    forged = client.get(url, {"purpose": "日常监管"}, HTTP_AUTHORIZATION="Bearer lc_x_y")
    assert forged.status_code == 401, "a token header is judged as a token, not as the session"


@pytest.mark.parametrize("target", ["https://example.org/", "//example.org/admin/"])
def test_the_page_never_sends_anyone_off_site(client, checker, target):
    device = TOTPDevice.objects.create(user=checker, name="动态口令", confirmed=True)
    password_login(client, checker)
    response = client.post("/admin/otp/", {"token": code(device), "next": target})
    assert response["Location"] == "/admin/"


def test_superusers_need_it_too(client, django_user_model):
    django_user_model.objects.create_superuser("root2", password=PASSWORD)
    client.post("/admin/login/", {"username": "root2", "password": PASSWORD, "next": "/admin/"})
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("password, ok", [("abcdefgh12", False), ("ABCDEFGH12", False),
                                          ("abcdefgh!?", False), ("Abcdefgh12", True),
                                          ("abcd-efgh-12", True), ("天津律所-管理-2026a", True)])
def test_passwords_need_three_kinds_of_character(password, ok):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password)
        accepted = True
    except ValidationError as exc:
        accepted = False
        assert any("至少 3 类" in m for m in exc.messages) or len(password) < 10
    assert accepted is ok


def test_the_province_administrator_resets_a_lost_authenticator(client, checker, django_user_model):
    from legalcredit.accounts.services import assign

    device = TOTPDevice.objects.create(user=checker, name="动态口令", confirmed=True)
    admin = django_user_model.objects.create_user("prov", password=PASSWORD, is_staff=True)
    assign(admin, "province_admin")
    client.force_login(admin)
    url = f"/admin/otp_totp/totpdevice/{device.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    client.logout()
    password_login(client, checker)
    assert "绑定动态口令" in client.get("/admin/otp/").content.decode(), "enrols again"
