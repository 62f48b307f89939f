from django.contrib import admin

from accounts.admin_site import HistoryAdmin

from .models import AreaRating, Finding


@admin.register(Finding)
class FindingAdmin(HistoryAdmin):
    list_display = ["summary", "visit", "area", "kind", "section"]
    list_filter = ["kind", "section", "visit"]
    list_select_related = ["visit", "area"]
    search_fields = ["summary", "evidence"]


@admin.register(AreaRating)
class AreaRatingAdmin(HistoryAdmin):
    list_display = ["area", "visit", "rating"]
    list_filter = ["rating", "area"]
    list_select_related = ["visit", "area"]
