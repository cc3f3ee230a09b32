from django.contrib import admin

from legalcredit.core.admin_base import ReadOnlyAdmin

from . import tokens
from .models import ApiToken, OfficerProfile, Role


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    """Defined in refdata/data/roles.yaml; assign users to the role's group."""

    list_display = ["name", "code", "scope", "full_id_number", "group"]


@admin.register(OfficerProfile)
class OfficerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "region", "subject", "unit"]
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
