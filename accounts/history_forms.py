"""The audit log's filters and the restore confirmation."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.text import capfirst

from .forms import GovukDateField
from .history import AuditFilters, kind_name, tracked_models

CHANGE_TYPES = {"created": "+", "changed": "~", "deleted": "-"}
DATE_HELP = "For example, 27 3 2024"


def _record_kinds():
    kinds = [(model._meta.label_lower, capfirst(kind_name(model))) for model in tracked_models()]
    return [("", "Any kind of record"), *sorted(kinds, key=lambda kind: kind[1])]


class AuditLogFilterForm(forms.Form):
    """Sent with GET, so a filtered log is a link that can be shared or bookmarked."""

    person = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Who made the change",
        empty_label="Anyone",
        error_messages={"invalid_choice": "Select a person from the list"},
    )
    record_kind = forms.ChoiceField(
        required=False,
        label="Kind of record",
        error_messages={"invalid_choice": "Select a kind of record from the list"},
    )
    change = forms.ChoiceField(
        required=False,
        label="Kind of change",
        choices=[("", "Any change"), *((name, capfirst(name)) for name in CHANGE_TYPES)],
        error_messages={"invalid_choice": "Select a kind of change from the list"},
    )
    since = GovukDateField(
        label="From",
        label_text="the date from",
        required=False,
        require_all_fields=False,
        help_text=DATE_HELP,
    )
    until = GovukDateField(
        label="To",
        label_text="the date to",
        required=False,
        require_all_fields=False,
        help_text=DATE_HELP,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = get_user_model().objects.order_by("full_name", "email")
        self.fields["record_kind"].choices = _record_kinds()
        self.helper = FormHelper(self)
        self.helper.form_method = "get"
        self.helper.add_input(Submit("filter", "Apply filters"))

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The date to must be the same as or after the date from")
        return data

    def filters(self):
        """What to show: everything when the form was not filled in."""
        if not self.is_bound:
            return AuditFilters()
        data = self.cleaned_data
        return AuditFilters(
            person=data["person"],
            model=apps.get_model(data["record_kind"]) if data["record_kind"] else None,
            change=CHANGE_TYPES.get(data["change"], ""),
            since=data["since"],
            until=data["until"],
        )


class RestoreForm(forms.Form):
    """Nothing to fill in: the button confirms."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.add_input(Submit("restore", "Yes, restore it"))
