"""The admin's pages for actions, for system administrators only (accounts/admin_site.py).

What a workflow sets is read-only here, so that no one can write around it: an
action's reference, and its sign-off (only a senior leader's sign-off page writes
who signed off and when, and only once the action is ready); an update's or a
piece of evidence's author and time, and the action it belongs to. Something added
here is in the name of whoever adds it, at the time they add it.
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.admin import OfficersOnlyInAutocomplete
from accounts.admin_site import HistoryAdmin

from .models import ActionUpdate, Evidence, ImprovementAction


class ActionUpdateInline(admin.StackedInline):
    """An action's updates, to read: each is added on its own page, in the name of
    whoever adds it, never in another officer's name from here."""

    model = ActionUpdate
    extra = 0
    can_delete = False
    fields = ["author", "created_at", "note", "new_status", "new_impact", "shareable_with_scrutiny"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AddedByWhoeverAddsIt:
    """``author_field`` and ``time_field`` are the person adding the record and the
    time they add it; neither can be typed in, and the record stays on its action."""

    author_field = ""
    time_field = ""
    stays_on = ("action",)

    def get_readonly_fields(self, request, obj=None):
        fixed = [self.author_field, self.time_field]
        return fixed + list(self.stays_on) if obj is not None else fixed

    def save_model(self, request, obj, form, change):
        if not change:
            setattr(obj, self.author_field, request.user)
            setattr(obj, self.time_field, timezone.now())
        super().save_model(request, obj, form, change)


@admin.register(ImprovementAction)
class ImprovementActionAdmin(OfficersOnlyInAutocomplete, HistoryAdmin):
    list_display = ["reference", "title", "owner", "status", "impact", "due_date", "priority"]
    list_filter = ["status", "impact", "priority"]
    list_select_related = ["owner"]
    search_fields = ["reference", "title", "description"]
    autocomplete_fields = ["owner"]
    readonly_fields = [
        "reference",
        "signed_off_by",
        "signed_off_at",
        "sign_off_comment",
        "sign_off_withdrawn_by",
        "sign_off_withdrawn_at",
        "sign_off_withdrawal_reason",
    ]
    filter_horizontal = ["findings", "areas"]
    date_hierarchy = "due_date"
    inlines = [ActionUpdateInline]


@admin.register(ActionUpdate)
class ActionUpdateAdmin(AddedByWhoeverAddsIt, HistoryAdmin):
    list_display = ["action", "author", "created_at", "new_status", "shareable_with_scrutiny"]
    list_filter = ["shareable_with_scrutiny", "new_status"]
    list_select_related = ["action", "author"]
    author_field, time_field = "author", "created_at"


class CheckedDownloadFileInput(forms.ClearableFileInput):
    """The file box of an evidence record, whose "Currently" link goes to the
    download view that checks who is asking. Uploaded files have no address of their
    own (config/urls.py), so Django's link to the storage's URL would lead nowhere,
    and must not lead to the file either.

    The view serves the record's current file, so a past version's page (in the
    record's history) that held another file shows no link rather than a wrong one.
    """

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            evidence = value.instance
            if Evidence.objects.filter(pk=evidence.pk, file=value.name).exists():
                context["widget"]["value"] = CheckedDownload(value.name, evidence.pk)
            else:
                context["widget"]["is_initial"] = False
        return context


class CheckedDownload:
    """What the file box's template reads of a file: its name and where to get it."""

    def __init__(self, name, evidence_pk):
        self.name = name
        self.url = reverse("actions:evidence_download", args=[evidence_pk])

    def __str__(self):
        return self.name


@admin.register(Evidence)
class EvidenceAdmin(AddedByWhoeverAddsIt, HistoryAdmin):
    formfield_overrides = {models.FileField: {"widget": CheckedDownloadFileInput}}
    list_display = ["title", "action", "added_by", "added_at"]
    list_select_related = ["action", "added_by"]
    author_field, time_field = "added_by", "added_at"
    stays_on = ("action", "update")
