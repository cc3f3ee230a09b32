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


# django-otp's fields have English names and help texts, not marked for translation; the province
# administrator reads them when resetting an officer's authenticator.
_TOTP_FIELDS = {
    "user": ("用户", "该设备所属的用户"),
    "name": ("名称", "便于识别的设备名称"),
    "confirmed": ("已绑定", "设备是否已完成绑定、可以使用"),
    "created_at": ("创建时间", "设备在平台中创建的时间"),
    "last_used_at": ("最近使用时间", "最近一次用该设备验证的时间"),
    "key": ("密钥", "十六进制编码的密钥，最多40字节"),
    "step": ("时间步长（秒）", "每个动态口令的有效秒数"),
    "t0": ("起始时间", "开始计算时间步的 Unix 时间"),
    "digits": ("口令位数", "动态口令的位数"),
    "tolerance": ("容差", "允许前后偏差的时间步数"),
    "drift": ("时钟偏移", "设备时钟与服务器相差的时间步数"),
    "last_t": ("最近验证的时间步", "下一次口令须晚于此时间步"),
    "throttling_failure_timestamp": ("最近验证失败时间", "上次验证成功后为空"),
    "throttling_failure_count": ("连续失败次数", "连续验证失败的次数"),
}


def _name_totp_fields() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for field in TOTPDevice._meta.get_fields():
        names = _TOTP_FIELDS.get(field.name)
        if names and hasattr(field, "verbose_name"):
            field.verbose_name, field.help_text = names


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
        _name_totp_fields()
