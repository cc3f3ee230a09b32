from django import forms
from django.contrib import admin

from legalcredit.core.admin_base import ReadOnlyAdmin

from . import tokens
from .models import ApiToken, OfficerProfile, Role


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    """Defined in refdata/data/roles.yaml; assign users to the role's group."""

    list_display = ["name", "code", "scope", "full_id_number", "group"]


class OfficerProfileForm(forms.ModelForm):
    class Meta:
        model = OfficerProfile
        fields = "__all__"

    def clean_sector(self):
        from legalcredit.referrals.services import rules

        sector = self.cleaned_data["sector"].strip()
        codes = [s.code for s in rules().sectors]
        if sector and sector not in codes:
            raise forms.ValidationError(f"协会类别：应为 {'、'.join(codes)} 之一，或留空")
        return sector


@admin.register(OfficerProfile)
class OfficerProfileAdmin(admin.ModelAdmin):
    form = OfficerProfileForm
    list_display = ["user", "region", "subject", "unit", "sector"]
    autocomplete_fields = ["region"]
    raw_id_fields = ["subject"]
    search_fields = ["user__username", "unit"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Issued with `legalcredit token issue`; revoked here or with `token revoke`."""

    list_display = ["name", "prefix", "owner", "scopes", "rate_per_minute", "expires_at",
                    "revoked_at", "last_used_at"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    actions = ["revoke_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="吊销所选令牌", permissions=["change"])
    def revoke_selected(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.revoke(token, actor=request.user, reason=f"后台吊销（{request.user}）")
        self.message_user(request, "已吊销所选令牌")


def _totp_admin_in_chinese() -> None:
    """django-otp's device page with its sections and QR column named in Chinese (its admin is
    registered before this module is imported: the app comes first in INSTALLED_APPS)."""
    from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
    from django_otp.plugins.otp_totp.models import TOTPDevice

    sections = {"Identity": "设备", "Timestamps": "时间", "Configuration": "参数", "State": "状态",
                "Throttling": "失败限制"}

    class ChineseTOTPDeviceAdmin(TOTPDeviceAdmin):
        def get_fieldsets(self, request, obj=None):
            return [(sections.get(title, title), body) for title, body in super().get_fieldsets(request, obj)]

        @admin.display(description="二维码")
        def qrcode_link(self, device):
            return super().qrcode_link(device)

    if admin.site.is_registered(TOTPDevice):
        admin.site.unregister(TOTPDevice)
    admin.site.register(TOTPDevice, ChineseTOTPDeviceAdmin)


_totp_admin_in_chinese()
