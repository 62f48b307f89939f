"""Filtering and sorting the action list from the query string.

``ActionFilterForm`` reads the GET parameters; ``filter_actions`` turns what it
accepted into a queryset. A value the form cannot accept (an unknown status, a
date that does not exist) is shown as an error and left out of the filtering, so
a bad link still shows a list rather than an error page.

Dates come as GOV.UK day, month and year boxes (``due_before_0``, ``_1``, ``_2``)
or, for links typed by hand, as one ``due_before=27/03/2024`` value.
"""

import calendar
import datetime
import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from accounts.access import is_read_only
from accounts.forms import GovukDateField
from accounts.models import User
from inspections.models import AreaOfConcern

from .models import Impact, ImprovementAction, Rag, Status

NO_OWNER = "none"
NO_AREA = "none"

STATUS_ORDER = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED, Status.COMPLETED]

# Sort key in the URL -> (column label, order_by fields). "-key" sorts descending;
# the reference is always last so that a page boundary never falls between ties.
SORTS = {
    "reference": ("Reference", ["reference"]),
    "due_date": ("Due date", ["due_date"]),
    "rag": ("RAG", ["rag_rank"]),
    "status": ("Status", ["status_rank"]),
    "owner": ("Owner", ["owner__full_name"]),
    "priority": ("Priority", ["priority"]),
}
DEFAULT_SORT = "reference"

_TYPED_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class LongSelect(forms.Select):
    """A select whose options are written out in Python rather than through one
    template per option: the owner list can hold thousands of people, and at 5,000
    the per-option templates took over a second of every action list page."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) in selected else ""}>'
            f"{escape(label)}</option>"
            for key, label in self.choices
        )
        # Every value and label is escaped above.
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe(options))  # noqa: S308


class PreparedChoices(BaseChoiceIterator):
    """Choices already in (value, label) form, which Django then takes as they are
    instead of normalising each of thousands of owners again for the field and
    again for its widget."""

    def __init__(self, choices):
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)


def month_bounds(first_day):
    """The first and last days of the month ``first_day`` falls in."""
    last = calendar.monthrange(first_day.year, first_day.month)[1]
    return first_day.replace(day=1), first_day.replace(day=last)


def split_typed_date(text):
    """ "27/03/2024" or "2024-03-27" -> ["27", "03", "2024"]; anything else -> None."""
    if match := _TYPED_DATE.match(text):
        return list(match.groups())
    if match := _ISO_DATE.match(text):
        year, month, day = match.groups()
        return [day, month, year]
    return None


class ActionFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Reference, title or description",
        error_messages={"max_length": "Search must be 200 characters or fewer"},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *Status.choices],
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
    rag = forms.ChoiceField(
        label="RAG rating",
        required=False,
        choices=[("", "Any rating"), *Rag.choices],
        error_messages={"invalid_choice": "Choose a RAG rating from the list"},
    )
    owner = forms.ChoiceField(
        label="Owner",
        required=False,
        widget=LongSelect(attrs={"class": "govuk-select"}),
        error_messages={"invalid_choice": "Choose an owner from the list"},
    )
    area = forms.ChoiceField(
        label="Area of concern",
        required=False,
        error_messages={"invalid_choice": "Choose an area of concern from the list"},
    )
    due_after = GovukDateField(
        label="Due on or after",
        label_text="the earliest due date",
        required=False,
        require_all_fields=False,
        help_text="For example, 1 4 2024",
    )
    due_before = GovukDateField(
        label="Due on or before",
        label_text="the latest due date",
        required=False,
        require_all_fields=False,
        help_text="For example, 31 3 2025",
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    # The dashboard's figures link here with these, so each lands on exactly its rows.
    impact = forms.ChoiceField(
        label="Impact",
        required=False,
        choices=[("", "Any impact"), *Impact.choices],
        error_messages={"invalid_choice": "Choose an impact from the list"},
    )
    completed_month = forms.CharField(
        label="Completed in month",
        required=False,
        max_length=7,
        help_text="For example, 2024-03",
    )
    due_within_days = forms.IntegerField(
        label="Open and due within the next number of days",
        required=False,
        min_value=1,
        max_value=3660,
        help_text="For example, 30",
        error_messages={
            "invalid": "Due within must be a whole number of days, like 30",
            "min_value": "Due within must be 1 day or more",
            "max_value": "Due within must be 3660 days or fewer",
        },
    )

    DATE_FIELDS = ("due_after", "due_before")

    def __init__(self, data=None, *, user, **kwargs):
        self._typed_date_errors = {}
        if data is not None:
            data = self._split_typed_dates(data)
        super().__init__(data, **kwargs)
        self.user = user
        # Scrutiny members see owners by job title, never by name or address.
        label = User.public_label.fget if is_read_only(user) else str
        # A semi-join on the owner column, not a DISTINCT over a join with every
        # action: the difference is most of a second at 100,000 actions.
        owners = (
            User.objects.filter(
                pk__in=ImprovementAction.objects.filter(owner__isnull=False).values("owner_id")
            )
            .only("pk", "full_name", "email", "job_title")
            .order_by("full_name")
        )
        self.fields["owner"].choices = PreparedChoices(
            [
                ("", "Anyone"),
                (NO_OWNER, "No owner yet"),
                *[(str(owner.pk), label(owner)) for owner in owners],
            ]
        )
        self.fields["area"].choices = [
            ("", "Any area"),
            (NO_AREA, "No area of concern"),
            *[(str(area.pk), area.title) for area in AreaOfConcern.objects.order_by("title")],
        ]
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL

    def _split_typed_dates(self, data):
        """Turn ``due_before=27/03/2024`` into the three boxes the field reads."""
        data = data.copy()
        for name in self.DATE_FIELDS:
            typed = data.get(name, "")
            boxes = [f"{name}_{index}" for index in range(3)]
            if not typed or any(data.get(box) for box in boxes):
                continue
            parts = split_typed_date(typed)
            if parts is None:
                self._typed_date_errors[name] = typed
                continue
            for box, part in zip(boxes, parts, strict=True):
                data[box] = part
        return data

    def clean_completed_month(self):
        """ "2024-03" -> 1 March 2024, the month's first day."""
        text = self.cleaned_data.get("completed_month", "")
        if not text:
            return None
        match = _MONTH.match(text)
        try:
            return datetime.date(int(match[1]), int(match[2]), 1) if match else None
        except ValueError:
            match = None
        if match is None:
            raise ValidationError(
                "Completed in month must be a year and month, like 2024-03", code="invalid_month"
            )

    def clean(self):
        cleaned = super().clean()
        for name in self._typed_date_errors:
            field = self.fields[name]
            self.add_error(
                name,
                ValidationError(
                    f"{field.label_text.capitalize()} must be a real date, like 27/3/2024",
                    code="invalid_date",
                ),
            )
        after, before = cleaned.get("due_after"), cleaned.get("due_before")
        if after and before and after > before:
            self.add_error(
                "due_before",
                ValidationError(
                    "The latest due date must be the same as or after the earliest due date",
                    code="range_reversed",
                ),
            )
        return cleaned

    def filters(self):
        """What was accepted: the cleaned values of the fields without errors."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "", False)
        }

    @property
    def is_filtered(self):
        return bool(self.filters())


def parse_sort(value):
    """``"-due_date"`` -> ("due_date", True); anything unknown -> the default, ascending."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value[1:] if descending else value
    if key not in SORTS:
        return DEFAULT_SORT, False
    return key, descending


def annotate_for_list(queryset, today=None):
    """What the list shows and sorts on: RAG, a status order, the owner in one query."""
    status_rank = Case(
        *[When(status=status, then=Value(rank)) for rank, status in enumerate(STATUS_ORDER)],
        output_field=IntegerField(),
    )
    return queryset.with_rag(today).annotate(status_rank=status_rank).select_related("owner")


def filter_actions(filters, sort_key=DEFAULT_SORT, descending=False, queryset=None, today=None):
    """The actions ``filters`` (from ``ActionFilterForm.filters()``) describe, sorted."""
    today = today or timezone.localdate()
    queryset = annotate_for_list(
        queryset if queryset is not None else ImprovementAction.objects.all(), today
    )
    if search := filters.get("q", "").strip():
        queryset = queryset.filter(
            Q(reference__icontains=search)
            | Q(title__icontains=search)
            | Q(description__icontains=search)
        )
    if status := filters.get("status"):
        queryset = queryset.filter(status=status)
    if rag := filters.get("rag"):
        queryset = queryset.filter(rag=rag)
    if owner := filters.get("owner"):
        queryset = (
            queryset.filter(owner__isnull=True)
            if owner == NO_OWNER
            else queryset.filter(owner_id=int(owner))
        )
    area_links = ImprovementAction.areas.through.objects
    if (area := filters.get("area")) == NO_AREA:
        # NOT EXISTS, which PostgreSQL runs as an anti-join; NOT IN cannot be.
        queryset = queryset.exclude(Exists(area_links.filter(improvementaction_id=OuterRef("pk"))))
    elif area:
        # A subquery rather than a join, so an action in two areas is listed once.
        queryset = queryset.filter(
            pk__in=area_links.filter(areaofconcern_id=int(area)).values("improvementaction_id")
        )
    # Both ends are inclusive: "due on or after" and "due on or before".
    if due_after := filters.get("due_after"):
        queryset = queryset.filter(due_date__gte=due_after)
    if due_before := filters.get("due_before"):
        queryset = queryset.filter(due_date__lte=due_before)
    if filters.get("overdue"):
        queryset = queryset.overdue(today)
    if impact := filters.get("impact"):
        queryset = queryset.filter(impact=impact)
    if completed_month := filters.get("completed_month"):
        queryset = queryset.filter(completed_on__range=month_bounds(completed_month))
    if within := filters.get("due_within_days"):
        horizon = today + datetime.timedelta(days=within)
        queryset = queryset.open().filter(due_date__range=(today, horizon))

    # Actions with no owner sort last either way, on SQLite and PostgreSQL alike.
    order = [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name in SORTS[sort_key][1]
    ]
    if sort_key != "reference":
        order.append(F("reference").asc())
    return queryset.order_by(*order)
