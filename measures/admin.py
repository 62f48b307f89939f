from django.contrib import admin

from accounts.admin_site import HistoryAdmin

from .models import Measure, MeasureValue


@admin.register(Measure)
class MeasureAdmin(HistoryAdmin):
    list_display = [
        "title",
        "unit",
        "higher_is_better",
        "target",
        "owner",
        "shareable_with_scrutiny",
    ]
    list_filter = ["unit", "shareable_with_scrutiny"]
    list_select_related = ["owner"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["owner"]
    filter_horizontal = ["areas"]


@admin.register(MeasureValue)
class MeasureValueAdmin(HistoryAdmin):
    list_display = ["measure", "period", "value", "england", "neighbours", "entered_by"]
    list_filter = ["measure"]
    list_select_related = ["measure", "entered_by"]
    date_hierarchy = "period"
    # Who entered a figure is whoever saves it, here as on the service's own pages.
    readonly_fields = ["entered_by", "entered_at"]

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
