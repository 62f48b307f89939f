"""Filtering and sorting the action list from the query string.

``ActionFilterForm`` reads the GET parameters; ``filter_actions`` turns what it
accepted into a queryset. A value the form cannot accept (an unknown status, a
date that does not exist) is shown as an error and left out of the filtering, so
a bad link still shows a list rather than an error page.

Dates come as GOV.UK day, month and year boxes (``due_before_0``, ``_1``, ``_2``)
or, for links typed by hand, as one ``due_before=27/03/2024`` value.

Owners are found by typing part of a name or e-mail address (``owner_name``);
there are thousands of them, too many for a drop-down to render quickly or to be
usable. ``owner`` (a person's id, or ``none``) still picks exactly one owner's
actions, as the dashboard's links do; the person it names is offered as a radio
next to "Anyone" and "No owner yet", so the choice can be seen and undone
without JavaScript.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.text import Truncator

from accounts.access import is_read_only
from accounts.forms import GovukDateField
from accounts.models import User
from accounts.officers import officers
from findings.models import Finding
from findings.pressing_actions import ids_answering_visit
from inspections.models import AreaOfConcern, Visit

from .models import Impact, ImprovementAction, Rag, Status

NO_OWNER = "none"
NO_AREA = "none"

# What a typed owner search is matched against. Scrutiny members see owners by
# job title only, so that is all they may search: a name they could not see must
# not be findable by guessing it.
OFFICER_OWNER_FIELDS = ("full_name", "email")
SCRUTINY_OWNER_FIELDS = ("job_title",)

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
# Sort keys whose column can be empty (an action with no owner yet).
NULLABLE_SORTS = {"owner"}

_TYPED_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
# Short enough for any database's integer key; anything longer is no one's id.
_RECORD_ID = re.compile(r"[0-9]{1,18}")


def month_bounds(first_day):
    """The first and last days of the month ``first_day`` falls in."""
    last = calendar.monthrange(first_day.year, first_day.month)[1]
    return first_day.replace(day=1), first_day.replace(day=last)


@dataclass(frozen=True)
class OwnerSearch:
    """Part of an owner's name, address or job title, and which of those the
    person searching may match it against."""

    text: str
    fields: tuple

    def owners(self):
        condition = Q()
        for name in self.fields:
            condition |= Q(**{f"{name}__icontains": self.text})
        # Councillors own no actions (accounts.officers): a search never offers one.
        return officers(User.objects.filter(condition))


def linked_record_field(noun):
    """A choice of one record a link names (``finding=<id>``), or any; its choices
    are set per request by ``ActionFilterForm._offer_chosen``."""
    return forms.ChoiceField(
        label=f"Responding to the {noun}",
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": f"The {noun} in the link cannot be found: choose any {noun}"
        },
    )


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
    # Anyone, no owner yet, or the one person whose id is in the query string.
    owner = forms.ChoiceField(
        label="Owner",
        required=False,
        initial="",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose an owner from the list"},
    )
    owner_name = forms.CharField(
        label="Owner's name or e-mail address",
        required=False,
        max_length=200,
        help_text="All or part of it, for example smith",
        error_messages={
            "max_length": "Owner's name or e-mail address must be 200 characters or fewer"
        },
    )
    area = forms.ChoiceField(
        label="Area of concern",
        required=False,
        error_messages={"invalid_choice": "Choose an area of concern from the list"},
    )
    # A finding's entry on a visit's or area's page links here for all its actions,
    # and a visit's page for every action answering any of its findings. Each is
    # offered only when the query string names one the person may see.
    finding = linked_record_field("finding")
    visit = linked_record_field("visit")
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

    no_update_days = forms.IntegerField(
        label="Open with no progress update for at least this number of days",
        required=False,
        min_value=1,
        max_value=3660,
        help_text="For example, 30",
        error_messages={
            "invalid": "No progress update for must be a whole number of days, like 30",
            "min_value": "No progress update for must be 1 day or more",
            "max_value": "No progress update for must be 3660 days or fewer",
        },
    )
    awaiting_sign_off = forms.BooleanField(
        label="Completed, impact evidenced and waiting for a senior leader's sign-off",
        required=False,
    )

    DATE_FIELDS = ("due_after", "due_before")

    def __init__(self, data=None, *, user, **kwargs):
        self._typed_date_errors = {}
        if data is not None:
            data = self._split_typed_dates(data)
        super().__init__(data, **kwargs)
        self.user = user
        read_only = is_read_only(user)
        self.owner_fields = SCRUTINY_OWNER_FIELDS if read_only else OFFICER_OWNER_FIELDS
        if read_only:
            name_field = self.fields["owner_name"]
            name_field.label = "Owner's job title"
            name_field.help_text = "All or part of it, for example head of service"
            name_field.error_messages["max_length"] = (
                "Owner's job title must be 200 characters or fewer"
            )
        self.fields["owner"].choices = [
            ("", "Anyone"),
            (NO_OWNER, "No owner yet"),
            *self._chosen_owner(read_only),
        ]
        self.fields["area"].choices = [
            ("", "Any area"),
            (NO_AREA, "No area of concern"),
            *[
                (str(area.pk), area.title)
                for area in AreaOfConcern.objects.visible_to(user).order_by("title")
            ],
        ]
        self._offer_chosen(
            "finding",
            Finding.objects.visible_to(user).select_related("visit"),
            "Any finding",
            lambda finding: f"{Truncator(finding.summary).words(15)} ({finding.visit})",
        )
        self._offer_chosen("visit", Visit.objects.visible_to(user), "Any visit", str)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL

    def _offer_chosen(self, name, visible, anything, label):
        """Offer the record ``name=<id>`` names, next to ``anything``, if it is among
        ``visible`` (for a scrutiny member, only what is published): one look-up by
        primary key. With nothing named, the field is left out of the form
        altogether; an id that names nothing this person may see is refused by the
        field as not one of its choices."""
        value = self.data.get(name, "") if self.is_bound else ""
        if not value:
            del self.fields[name]
            return
        chosen = visible.filter(pk=int(value)).first() if _RECORD_ID.fullmatch(value) else None
        self.fields[name].choices = [("", anything)] + (
            [(str(chosen.pk), label(chosen))] if chosen else []
        )

    def _chosen_owner(self, read_only):
        """The person ``owner=<id>`` names, as a choice, if they own any action.

        One indexed look-up, only when an id was given; any other value is left
        for the field to refuse as not one of its choices."""
        value = self.data.get("owner", "") if self.is_bound else ""
        if not _RECORD_ID.fullmatch(value):
            return []
        owner = (
            User.objects.filter(pk=int(value))
            .filter(Exists(ImprovementAction.objects.filter(owner=OuterRef("pk"))))
            .only("pk", "full_name", "email", "job_title")
            .first()
        )
        if owner is None:
            return []
        # Scrutiny members see owners by job title, never by name or address.
        return [(str(owner.pk), owner.public_label if read_only else str(owner))]

    def _split_typed_dates(self, data):
        """Turn ``due_before=27/03/2024`` into the three boxes the field reads."""
        data = data.copy()
        # No owner in the query string means anyone's, and shows that radio chosen.
        data.setdefault("owner", "")
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
        accepted = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "", False)
        }
        if text := accepted.get("owner_name", "").strip():
            accepted["owner_name"] = OwnerSearch(text, self.owner_fields)
        else:
            accepted.pop("owner_name", None)
        return accepted

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
    if owner_search := filters.get("owner_name"):
        # A subquery over the few thousand people, not a join with every action.
        queryset = queryset.filter(owner__in=owner_search.owners().values("pk"))
    area_links = ImprovementAction.areas.through.objects
    if (area := filters.get("area")) == NO_AREA:
        # NOT EXISTS, which PostgreSQL runs as an anti-join; NOT IN cannot be.
        queryset = queryset.exclude(Exists(area_links.filter(improvementaction_id=OuterRef("pk"))))
    elif area:
        # A subquery rather than a join, so an action in two areas is listed once.
        queryset = queryset.filter(
            pk__in=area_links.filter(areaofconcern_id=int(area)).values("improvementaction_id")
        )
    if finding := filters.get("finding"):
        # One row per action and finding, so the join lists each action once.
        queryset = queryset.filter(findings=int(finding))
    if visit := filters.get("visit"):
        # The same actions the visit's page counts, each listed once.
        queryset = queryset.filter(pk__in=ids_answering_visit(int(visit)))
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
        queryset = queryset.due_soon(within, today)
    if quiet_days := filters.get("no_update_days"):
        queryset = queryset.quiet_for(quiet_days, today)
    if filters.get("awaiting_sign_off"):
        queryset = queryset.awaiting_sign_off()

    # Actions with no owner sort last either way, on SQLite and PostgreSQL alike.
    # The other keys are never empty, and are left plain so that an index on
    # them (such as open actions by due date) gives the order without a sort.
    nulls_last = True if sort_key in NULLABLE_SORTS else None
    order = [
        F(name).desc(nulls_last=nulls_last) if descending else F(name).asc(nulls_last=nulls_last)
        for name in SORTS[sort_key][1]
    ]
    if sort_key != "reference":
        order.append(F("reference").asc())
    return queryset.order_by(*order)
