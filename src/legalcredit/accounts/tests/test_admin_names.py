def test_login_protection_sections_are_named_in_chinese(admin_client):
    page = admin_client.get("/admin/").content.decode()
    # 账户与权限 is the platform's own app beside them: its config must still be the one Django picks.
    for name in ("账户与权限", "登录保护", "登录失败尝试", "登录日志", "动态口令（双因素认证）", "动态口令设备"):
        assert name in page
    for english in ("TOTP devices", "Access attempts", "Access logs"):
        assert english not in page


def test_the_api_schema_still_declares_the_token_scheme(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    # Registered by the accounts app's ready(): the department token, described in Chinese.
    assert schema["components"]["securitySchemes"]["ApiToken"]["scheme"] == "bearer"


def test_default_permissions_are_named_in_chinese_after_migrate(db):
    from django.contrib.auth.models import Permission

    from legalcredit.accounts.permission_names import chinese

    assert Permission.objects.get(codename="add_complaint").name == "可以添加投诉"
    assert Permission.objects.get(codename="view_creditrecord").name.startswith("可以查看")
    assert not Permission.objects.filter(name__startswith="Can ").exists()
    # Other apps' models by their Chinese names too.
    assert Permission.objects.get(codename="add_accessattempt").name == "可以添加登录失败尝试"
    assert Permission.objects.get(codename="change_user", content_type__app_label="auth").name == "可以修改用户"
    # Custom permissions keep the names their models give them.
    assert Permission.objects.get(codename="decide_complaint").name == "作出投诉处理决定（复核）"
    assert chinese("作出投诉处理决定（复核）") is None


def test_the_authenticator_device_pages_read_in_chinese(admin_client, admin_user):
    import re

    from legalcredit.accounts import two_factor

    two_factor.enrolment_device(admin_user)
    for url in ("/admin/otp_totp/totpdevice/", "/admin/otp_totp/totpdevice/add/"):
        html = admin_client.get(url).content.decode()
        body = re.sub(r"<script.*?</script>|<[^>]+>", " ", html[html.index('id="content"'):], flags=re.S)
        for english in ("Confirmed", "Created at", "Last used at", "Identity", "Throttling", "The time step",
                        "QR Code", "Tolerance"):
            assert english not in body, (url, english)
    assert "连续失败次数" in admin_client.get("/admin/otp_totp/totpdevice/add/").content.decode()
