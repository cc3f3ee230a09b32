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
