from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ActionUpdate, Evidence, ImprovementAction


class ActionUpdateInline(admin.StackedInline):
    model = ActionUpdate
    extra = 0
    autocomplete_fields = ["author"]


@admin.register(ImprovementAction)
class ImprovementActionAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "owner", "status", "impact", "due_date", "priority"]
    list_filter = ["status", "impact", "priority"]
    list_select_related = ["owner"]
    search_fields = ["reference", "title", "description"]
    autocomplete_fields = ["owner", "signed_off_by"]
    filter_horizontal = ["findings", "areas"]
    date_hierarchy = "due_date"
    inlines = [ActionUpdateInline]


@admin.register(ActionUpdate)
class ActionUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["action", "author", "created_at", "new_status", "shareable_with_scrutiny"]
    list_filter = ["shareable_with_scrutiny", "new_status"]
    list_select_related = ["action", "author"]
    autocomplete_fields = ["author"]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "action", "added_by", "added_at"]
    list_select_related = ["action", "added_by"]
    autocomplete_fields = ["added_by"]
