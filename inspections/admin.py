from django.contrib import admin

from accounts.admin_site import HistoryAdmin

from .models import AreaOfConcern, Inspection, Judgement, LocalAuthority, Visit, VisitArea


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(HistoryAdmin):
    list_display = ["name", "ofsted_code"]
    search_fields = ["name"]


class JudgementInline(admin.TabularInline):
    model = Judgement
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(HistoryAdmin):
    list_display = ["__str__", "authority", "start_date", "end_date", "published_on"]
    list_filter = ["kind", "authority"]
    date_hierarchy = "start_date"
    inlines = [JudgementInline]
    search_fields = ["authority__name", "lead_inspector"]


@admin.register(Judgement)
class JudgementAdmin(HistoryAdmin):
    list_display = ["inspection", "area", "grade"]
    list_filter = ["grade", "area"]
    list_select_related = ["inspection"]


@admin.register(AreaOfConcern)
class AreaOfConcernAdmin(HistoryAdmin):
    list_display = ["title", "identified_at", "status"]
    list_filter = ["status"]
    list_select_related = ["identified_at"]
    search_fields = ["title", "description"]


class VisitAreaInline(admin.TabularInline):
    model = VisitArea
    extra = 0
    ordering = ["position"]


@admin.register(Visit)
class VisitAdmin(HistoryAdmin):
    list_display = ["__str__", "authority", "letter_date", "is_published", "published_on"]
    list_filter = ["kind", "is_published", "authority"]
    date_hierarchy = "start_date"
    inlines = [VisitAreaInline]
    search_fields = ["inspectors", "letter_text"]


@admin.register(VisitArea)
class VisitAreaAdmin(HistoryAdmin):
    list_display = ["visit", "position", "area"]
    list_select_related = ["visit", "area"]
