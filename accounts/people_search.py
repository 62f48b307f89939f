"""Finding people on the people page: part of a name, address or job title, a role,
and whether they may sign in. Sent with GET, so a search is a link to share."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.db.models import Q

from .roles import ROLES

NO_ROLE = "none"
ACTIVE, INACTIVE, EVERYONE = "active", "inactive", "all"


class PeopleSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, e-mail address or job title",
        required=False,
        max_length=100,
        error_messages={"max_length": "Search for 100 characters or fewer"},
    )
    role = forms.ChoiceField(
        label="Role",
        required=False,
        choices=[("", "Any role"), *((role, role) for role in ROLES), (NO_ROLE, "No role")],
        error_messages={"invalid_choice": "Choose a role from the list"},
    )
    status = forms.ChoiceField(
        label="Who",
        required=False,
        choices=[
            (ACTIVE, "People who may sign in"),
            (INACTIVE, "People who may no longer sign in"),
            (EVERYONE, "Everyone"),
        ],
        error_messages={"invalid_choice": "Choose who to show from the list"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_method = "get"
        self.helper.add_input(Submit("submit", "Search", css_class="govuk-button--secondary"))

    @property
    def is_filtered(self):
        return self.is_bound and any(self.data.get(name) for name in self.fields)

    def people(self, queryset):
        """``queryset`` narrowed to what the form asks for; only people who may sign
        in when nothing is asked, or when what is asked cannot be read."""
        if not self.is_bound or not self.is_valid():
            return queryset.filter(is_active=True)
        wanted = self.cleaned_data
        status = wanted.get("status") or ACTIVE
        if status != EVERYONE:
            queryset = queryset.filter(is_active=status == ACTIVE)
        if text := wanted.get("q", "").strip():
            queryset = queryset.filter(
                Q(full_name__icontains=text)
                | Q(email__icontains=text)
                | Q(job_title__icontains=text)
            )
        role = wanted.get("role")
        if role == NO_ROLE:
            queryset = queryset.exclude(groups__name__in=ROLES)
        elif role:
            queryset = queryset.filter(groups__name=role)
        return queryset
