"""The base every form in the service builds on: GOV.UK layout, GOV.UK date inputs,
model rules checked before anything is written, and the acting user in history."""

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction

from .audit import acting_as
from .identity import normalise_email, plain_address_problem

EARLIEST_YEAR = 1990
LATEST_YEAR = 2100


class GovukDateField(DateInputField):
    """Day, month and year boxes, with the Design System's wording for mistakes."""

    def __init__(self, *, label_text="the date", **kwargs):
        super().__init__(**kwargs)
        self.error_messages["required"] = f"Enter {label_text}"
        self.error_messages["incomplete"] = (
            f"{label_text.capitalize()} must include a day, month and year"
        )
        self.label_text = label_text

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as error:
            raise ValidationError(
                f"{self.label_text.capitalize()} must be a real date", code="invalid_date"
            ) from error
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise ValidationError(
                f"{self.label_text.capitalize()} must be between {EARLIEST_YEAR} and {LATEST_YEAR}",
                code="year_out_of_range",
            )
        return value


def speak_length_limits(form, names=None):
    """Give every field with a length limit the Design System's message for going
    over it ("Title must be 200 characters or fewer"), where the form has not
    worded its own, and drop the ``maxlength`` attribute: a browser would cut the
    text short without a word, where the message says what to do.

    ``names`` words a field whose label is a question or a sentence ("The note").
    """
    names = names or {}
    for name, field in form.fields.items():
        limit = getattr(field, "max_length", None)
        if not limit:
            continue
        field.widget.attrs.pop("maxlength", None)
        if "max_length" not in field.error_messages:
            what = names.get(name) or str(field.label or name.replace("_", " "))
            field.error_messages["max_length"] = (
                f"{what[:1].upper()}{what[1:]} must be {limit:,} characters or fewer"
            )


class AuditedModelForm(forms.ModelForm):
    """A model form that knows who is using it.

    ``user`` is required: the history row of every save and of every many-to-many
    change names them, whether the form is used in a view, an import or a test.
    """

    submit_label = "Save"
    # What a length message calls a field whose label would not read well in it.
    length_names = {}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self._use_govuk_date_inputs()
        speak_length_limits(self, self.length_names)
        self.helper = FormHelper(self)
        self.helper.add_input(Submit("submit", self.submit_label))

    def _use_govuk_date_inputs(self):
        for name, field in list(self.fields.items()):
            model_field = self._meta.model._meta.get_field(name) if name in {
                f.name for f in self._meta.model._meta.fields
            } else None
            if isinstance(model_field, models.DateField) and not isinstance(
                model_field, models.DateTimeField
            ):
                label = str(field.label or model_field.verbose_name)
                self.fields[name] = GovukDateField(
                    label=label[:1].upper() + label[1:],
                    label_text=label.lower(),
                    required=field.required,
                    help_text=field.help_text or "For example, 27 3 2024",
                    initial=field.initial,
                    require_all_fields=False,
                )

    def save(self, commit=True):
        acting_as(self.instance, self.user)
        if not commit:
            return super().save(commit=False)
        # Many-to-many rows are written after the record itself: one transaction
        # so that a failure leaves nothing half-saved.
        with transaction.atomic():
            return super().save(commit=True)


class AuditedDeleteForm(forms.Form):
    """Confirms a deletion and records who made it, cascaded rows included."""

    def __init__(self, *args, instance, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.user = user
        self.helper = FormHelper(self)
        self.helper.add_input(Submit("submit", "Yes, delete it", css_class="govuk-button--warning"))

    def delete(self):
        from .audit import delete_as

        return delete_as(self.instance, self.user)


class SignInForm(forms.Form):
    """E-mail and password, with the Design System's wording when they are wrong.

    The address goes to the sign-in backend as typed: every spelling of it counts
    against one lock (accounts.identity), and one written with a look-alike letter
    is refused there, after counting, rather than turned away here uncounted.
    """

    INVALID_FORMAT = "Enter an e-mail address in the correct format, like name@example.org"

    email = forms.CharField(
        label="E-mail address",
        error_messages={"required": "Enter your e-mail address"},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        # The browser's own check of an e-mail box would stop a look-alike address
        # with a bubble of its own wording; the service's error summary says why.
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Sign in"))

    def clean_email(self):
        typed = self.cleaned_data["email"]
        try:
            validate_email(normalise_email(typed))
        except ValidationError as error:
            raise ValidationError(self.INVALID_FORMAT, code="invalid") from error
        return typed

    def clean(self):
        from django.contrib.auth import authenticate

        email, password = self.cleaned_data.get("email"), self.cleaned_data.get("password")
        if email and password:
            self.user_cache = authenticate(self.request, email=email, password=password)
            if self.user_cache is None or not self.user_cache.is_active:
                self.user_cache = None
                problem = plain_address_problem(email)
                if problem:
                    self.add_error("email", ValidationError(problem, code="not_plain"))
                else:
                    raise ValidationError(
                        "Enter a correct e-mail address and password", code="invalid_login"
                    )
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class ReminderPreferencesForm(AuditedModelForm):
    """What a person chooses to hear about in the daily reminder e-mail."""

    submit_label = "Save preferences"

    class Meta:
        from .models import User

        model = User
        fields = ["reminders_due_soon"]
        labels = {"reminders_due_soon": "Remind me about my actions that are due soon"}
        help_texts = {
            "reminders_due_soon": (
                "Overdue actions, actions with no recent update and your team's "
                "long-overdue actions are always included."
            )
        }
