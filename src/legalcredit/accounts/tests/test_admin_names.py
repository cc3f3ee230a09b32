def test_login_protection_sections_are_named_in_chinese(admin_client):
    page = admin_client.get("/admin/").content.decode()
    for name in ("登录保护", "登录失败尝试", "登录日志", "动态口令（双因素认证）", "动态口令设备"):
        assert name in page
    for english in ("TOTP devices", "Access attempts", "Access logs"):
        assert english not in page
