from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For data the platform writes itself (reference data files, roles, the audit trail)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CodeFilter(admin.SimpleListFilter):
    """A list filter on a code field whose values live in a rule set or a table, offered by name:
    subclasses give ``title``, ``parameter_name`` (the field, unless ``field`` says otherwise) and
    ``lookups``."""

    field = ""

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field or self.parameter_name: self.value()}) if self.value() else queryset
