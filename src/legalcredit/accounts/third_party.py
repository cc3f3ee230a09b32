"""App configs for the login-protection apps, named in Chinese.

Kept out of ``apps.py``: Django picks an app's config from that module only when it holds one.
"""
from axes.apps import AppConfig as _Axes
from django_otp.plugins.otp_totp.apps import DefaultConfig as _Totp


# The login-protection apps ship no Chinese: their back-office sections are named here, so an
# officer sees 登录保护 and 动态口令设备, not "AXES" and "TOTP devices".
_MODEL_NAMES = {
    "axes.AccessAttempt": "登录失败尝试",
    "axes.AccessFailureLog": "登录失败日志",
    "axes.AccessLog": "登录日志",
    "axes.AccessAttemptExpiration": "登录锁定到期",
    "otp_totp.TOTPDevice": "动态口令设备",
}


def _name_models(app_label: str) -> None:
    from django.apps import apps

    for model in apps.get_app_config(app_label).get_models():
        name = _MODEL_NAMES.get(model._meta.label)
        if name:
            model._meta.verbose_name = model._meta.verbose_name_plural = name


class AxesConfig(_Axes):
    verbose_name = "登录保护"

    def ready(self):
        super().ready()
        _name_models(self.label)


class TotpConfig(_Totp):
    verbose_name = "动态口令（双因素认证）"

    def ready(self):
        super().ready()
        _name_models(self.label)
