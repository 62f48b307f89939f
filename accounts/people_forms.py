"""The forms of the people pages: a person's details, a new person, their roles."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import Q

from .forms import AuditedModelForm
from .granting import (
    RolesRefused,
    holds_manage_roles,
    roles_of,
    set_roles,
)
from .identity import EmailAddressField
from .models import User
from .officers import is_scrutiny_member_id, not_a_line_manager_message, officers
from .roles import IMPROVEMENT_TEAM, ROLES, SCRUTINY_MEMBER, SENIOR_LEADER


class OfficerChoiceField(forms.ModelChoiceField):
    """One officer, by name and job title (two officers may share a name). Only
    officers are offered; a councillor's id sent anyway is refused by name, saying
    why, rather than as "not one of the choices"."""

    def __init__(self, *args, refusal=not_a_line_manager_message, **kwargs):
        super().__init__(*args, **kwargs)
        self.refusal = refusal

    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.job_title})" if obj.job_title else obj.full_name

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            if str(value).isdigit() and is_scrutiny_member_id(int(value)):
                person = User.objects.filter(pk=int(value)).first()
                raise ValidationError(self.refusal(person), code="scrutiny_member") from None
            raise


def line_manager_field(person):
    """Active officers other than the person, and whoever manages them now even if
    they have since left."""
    current = person.line_manager_id
    choices = officers(User.objects.filter(Q(is_active=True) | Q(pk=current)))
    if person.pk is not None:
        choices = choices.exclude(pk=person.pk)
    return OfficerChoiceField(
        queryset=choices.order_by("full_name"),
        required=False,
        label="Line manager",
        empty_label="No line manager",
        help_text="Who hears about this person's actions when they are long overdue.",
        error_messages={"invalid_choice": "Choose a line manager from the list"},
    )


class PersonForm(AuditedModelForm):
    """A person's details, as the improvement team keeps them."""

    submit_label = "Save details"

    class Meta:
        model = User
        fields = ["full_name", "email", "job_title", "line_manager", "reminders_due_soon"]
        field_classes = {"email": EmailAddressField}
        labels = {
            "full_name": "Full name",
            "email": "E-mail address",
            "reminders_due_soon": "Remind them about their actions that are due soon",
        }
        help_texts = {
            "email": "The address they sign in with, and where reminders go.",
            "job_title": "Scrutiny members see officers by job title, never by name.",
            "reminders_due_soon": (
                "Overdue actions, actions with no recent update and their team's "
                "long-overdue actions are always in the daily e-mail."
            ),
        }
        error_messages = {
            "full_name": {"required": "Enter their full name"},
            "email": {
                "required": "Enter their e-mail address",
                "invalid": "Enter an e-mail address in the correct format, like name@example.org",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line_manager"] = line_manager_field(self.instance)
        self.fields["email"].widget.attrs.update(autocomplete="off", spellcheck="false")
        # Mistakes in the address are explained by the error summary, not the browser.
        self.helper.attrs = {**self.helper.attrs, "novalidate": ""}


class PersonChangeForm(PersonForm):
    """Their details, and whether they may sign in at all."""

    class Meta(PersonForm.Meta):
        fields = [*PersonForm.Meta.fields, "is_active"]
        labels = {**PersonForm.Meta.labels, "is_active": "They may sign in"}
        help_texts = {
            **PersonForm.Meta.help_texts,
            "is_active": (
                "Untick when someone leaves: they can no longer sign in and get no "
                "reminders. Their actions keep them as owner until you give them to "
                "someone else."
            ),
        }

    def clean_is_active(self):
        active = self.cleaned_data["is_active"]
        if not active and self.instance.pk == self.user.pk:
            raise ValidationError("You cannot stop yourself signing in", code="self")
        return active


class PersonCreateForm(PersonForm):
    """A new person, with a first password unless they sign in with their council
    account (single sign-on)."""

    submit_label = "Add person"

    password1 = forms.CharField(
        label="Password",
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Confirm the password",
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if settings.SINGLE_SIGN_ON_ENABLED:
            self.fields[
                "password1"
            ].help_text = "Leave blank if they sign in with their council account."
        else:
            self.fields["password1"].help_text = (
                "At least 8 characters, not only numbers. Give it to them in person; "
                "they should not share it."
            )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if not first and not settings.SINGLE_SIGN_ON_ENABLED:
            self.add_error("password1", "Enter a password for them")
        elif first and first != second:
            self.add_error("password2", "The two passwords do not match")
        elif first:
            probe = User(
                email=cleaned.get("email") or "",
                full_name=cleaned.get("full_name") or "",
            )
            try:
                password_validation.validate_password(first, user=probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def save(self, commit=True):
        person = super().save(commit=False)
        password = self.cleaned_data.get("password1")
        if password:
            person.set_password(password)
        else:
            person.set_unusable_password()
        if commit:
            super().save(commit=True)
        return person


ROLE_HINTS = {
    IMPROVEMENT_TEAM: "Logs inspections, visits and findings; writes and assigns actions.",
    SENIOR_LEADER: "Sees the dashboard and every record; signs off that an action's impact "
    "is shown.",
    SCRUTINY_MEMBER: "A councillor: reads published progress only and can change nothing. "
    "Holds no other role.",
}


class RolesForm(forms.Form):
    """Which of the service's roles a person holds, and, for a system administrator
    to decide, whether they give and remove roles themselves."""

    roles = forms.MultipleChoiceField(
        label="Roles",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[Choice(role, role, hint=ROLE_HINTS[role]) for role in ROLES],
        help_text="Select all that apply. With none, they can still own actions and post "
        "progress on them.",
        error_messages={"invalid_choice": "Choose roles from the list"},
    )
    manages_roles = forms.BooleanField(
        label="They may give and remove roles",
        required=False,
        help_text="For the officer who leads the improvement work. Nobody may change "
        "their own roles.",
    )

    def __init__(self, *args, person, user, **kwargs):
        self.person, self.user = person, user
        kwargs.setdefault(
            "initial",
            {"roles": sorted(roles_of(person)), "manages_roles": holds_manage_roles(person)},
        )
        super().__init__(*args, **kwargs)
        if not user.is_superuser:
            del self.fields["manages_roles"]
        self.helper = FormHelper(self)
        self.helper.checkboxes_small = True
        self.helper.add_input(Submit("submit", "Save roles"))

    def save(self):
        """Grant and remove, all or nothing; a broken rule becomes an error on the
        field where it is put right, and nothing is saved."""
        try:
            return set_roles(
                self.person,
                self.cleaned_data["roles"],
                self.user,
                manages_roles=self.cleaned_data.get("manages_roles")
                if "manages_roles" in self.fields
                else None,
            )
        except RolesRefused as refusal:
            for problem in refusal.problems:
                field = problem.field if problem.field in self.fields else "roles"
                self.add_error(field, problem.message)
            return None
