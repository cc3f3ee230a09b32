from django.contrib import admin

from .models import OfficerProfile


@admin.register(OfficerProfile)
class OfficerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "region", "unit"]
    autocomplete_fields = ["region"]
    search_fields = ["user__username", "unit"]
