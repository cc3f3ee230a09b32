from django.contrib import admin

from .models import OfficerProfile, Role


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """Defined in refdata/data/roles.yaml; assign users to the role's group."""

    list_display = ["name", "code", "scope", "full_id_number", "group"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OfficerProfile)
class OfficerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "region", "subject", "unit"]
    autocomplete_fields = ["region"]
    raw_id_fields = ["subject"]
    search_fields = ["user__username", "unit"]
