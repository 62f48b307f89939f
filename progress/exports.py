"""The action list, the findings and the area ratings as tables, each narrowed to
what one person may see, for a CSV file, an Excel workbook or a JSON feed.

One table serves all three, so a download and a feed can never disagree about
which rows or which columns someone gets. The actions table reads the action
list's own filter form and filter function: a download holds exactly the rows
the list shows for the same query string.

Scrutiny members get what their pages show them: published findings and
ratings, owners by job title with no e-mail address, and only the updates marked
as shareable. Evidence is never exported.

Rows are read in batches (``EXPORT_BATCH``), so a long download costs a query per
batch for the rows and their areas of concern, never a query per row. The
actions, the longest table by far, are read as plain values rather than model
instances, and a CSV file is written a batch of rows at a time: at 100,000
actions building objects and writing line by line took most of the time.
"""

import csv
import datetime
import io
import itertools
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.db import transaction
from django.db.models import Aggregate, CharField, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from accounts.access import is_read_only, may
from accounts.history import FORMULA_STARTS, neutralise
from actions.filters import ActionFilterForm, filter_actions, parse_sort
from actions.models import ActionUpdate, Impact, ImprovementAction, Priority, Rag, Status
from findings.models import AreaRating, Finding
from inspections.models import AreaOfConcern

EXPORT_BATCH = 2000
# Every formula start is one character, so a cell's first character tells.
FORMULA_FIRST_CHARACTERS = frozenset(FORMULA_STARTS)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATE_FORMAT = "dd/mm/yyyy"
XLSX_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


@dataclass(frozen=True)
class Column:
    key: str  # the feed's name for it
    label: str  # the heading in a file
    value: Any  # row -> str, int, bool, date, datetime or None


def _display(name):
    return lambda row: getattr(row, f"get_{name}_display")()


def _field(name):
    return attrgetter(name)


def _letter_published(row):
    return row.visit.is_published


def _visit_published_on(row):
    return row.visit.published_on


class Table:
    """Rows of one model that ``user`` may see, and the columns they may read.

    ``link`` turns a path into an absolute address (``request.build_absolute_uri``)
    so a row in a spreadsheet or a report leads back to its page.
    """

    name = ""
    title = ""
    model = None

    def __init__(self, user, params=None, link=str):
        self.user = user
        self.params = params if params is not None else {}
        # Worked out once: building each row's address from the request costs more
        # than the rest of the row.
        self.site = link("/").removesuffix("/")
        self.read_only = is_read_only(user)

    def allowed(self):
        return may(self.user, "view", self.model)

    def columns(self):
        raise NotImplementedError

    def rows(self):
        raise NotImplementedError

    def values(self, row, columns):
        return [column.value(row) for column in columns]

    def address(self, row):
        return self.site + row.get_absolute_url()

    def read(self, rows):
        """``rows`` (some of ``rows()``) as the columns read them."""
        return rows

    def each_row(self):
        # In a transaction of its own: a CSV file is streamed after the view (and
        # the request's transaction) has finished, and outside one PostgreSQL's
        # cursor must work out and store every row before sending the first.
        with transaction.atomic():
            yield from self.rows().iterator(chunk_size=EXPORT_BATCH)

    @property
    def filename(self):
        return f"{self.name}-{timezone.localdate():%Y-%m-%d}"


# What an exported action is read from: plain values, one tuple per action.
ACTION_VALUES = (
    "pk",
    "reference",
    "title",
    "description",
    "status",
    "rag",
    "priority",
    "impact",
    "start_date",
    "due_date",
    "completed_on",
    "owner_id",
    "owner__full_name",
    "owner__job_title",
    "owner__email",
    "source",
    "success_measure",
    "signed_off_at",
    "latest_update",
    "latest_update_at",
    "area_ids",
)
STATUS_LABELS = dict(Status.choices)
PRIORITY_LABELS = dict(Priority.choices)
IMPACT_LABELS = dict(Impact.choices)
RAG_LABELS = dict(Rag.choices)
# Any id that cannot appear elsewhere in the path: the detail page's address is
# reversed once with it, and each row's id put in its place.
_MARKER_ID = 987654321


@dataclass(slots=True)
class ActionRow:
    """One action as the download shows it: labels rather than stored values,
    the owner as the reader may see them, its areas and its latest update."""

    pk: int
    reference: str
    title: str
    description: str
    status: str
    rag: str
    priority: str
    impact: str
    start_date: datetime.date | None
    due_date: datetime.date
    completed_on: datetime.date | None
    overdue: bool
    owner: str | None
    owner_job_title: str | None
    owner_email: str | None
    areas: str
    source: str
    success_measure: str
    latest_update: str | None
    latest_update_at: datetime.datetime | None
    signed_off_at: datetime.datetime | None


class JoinedIds(Aggregate):
    """The ids of a group as one comma-separated text ("3,17"), on PostgreSQL and
    SQLite alike: an action's areas of concern come with the action's row."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS text), ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            function="GROUP_CONCAT",
            template="%(function)s(%(expressions)s, ',')",
            **extra_context,
        )


def _batches(iterable, size):
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class ActionsTable(Table):
    name = "actions"
    title = "Improvement actions"
    model = ImprovementAction

    def __init__(self, user, params=None, link=str):
        super().__init__(user, params, link)
        prefix, _marker, suffix = reverse("actions:action_detail", args=[_MARKER_ID]).rpartition(
            str(_MARKER_ID)
        )
        self._detail_prefix, self._detail_suffix = self.site + prefix, suffix

    def rows(self, today=None):
        # Bound whatever the query string holds: a form bound to no filters
        # accepts none, as the list's unbound form does.
        form = ActionFilterForm(self.params, user=self.user)
        sort_key, descending = parse_sort(self.params.get("sort"))
        actions = filter_actions(form.filters(), sort_key, descending, today=today)
        updates = ActionUpdate.objects.filter(action=OuterRef("pk"))
        if self.read_only:
            updates = updates.filter(shareable_with_scrutiny=True)
        # Each is one step down an index (action_update_latest_first) per action.
        latest = updates.order_by("-created_at", "-id")
        area_ids = (
            ImprovementAction.areas.through.objects.filter(improvementaction_id=OuterRef("pk"))
            .order_by()
            .values("improvementaction_id")
            .annotate(ids=JoinedIds("areaofconcern_id"))
            .values("ids")
        )
        return actions.annotate(
            latest_update=Subquery(latest.values("note")[:1]),
            latest_update_at=Subquery(latest.values("created_at")[:1]),
            area_ids=Subquery(area_ids),
        )

    def read(self, rows):
        return list(self._read(rows.values_list(*ACTION_VALUES)))

    def each_row(self):
        # No query per row or per batch: the areas and the latest update come in
        # the rows themselves.
        with transaction.atomic():
            rows = self.rows().values_list(*ACTION_VALUES)
            yield from self._read(rows.iterator(chunk_size=EXPORT_BATCH))

    def _read(self, values):
        """Value tuples (``ACTION_VALUES``) as ``ActionRow``s."""
        # The areas this reader may see: a few dozen, read once per download.
        titles = {
            str(pk): title
            for pk, title in AreaOfConcern.objects.visible_to(self.user).values_list("pk", "title")
        }
        today = timezone.localdate()
        read_only = self.read_only
        for (
            pk,
            reference,
            title,
            description,
            status,
            rag,
            priority,
            impact,
            start_date,
            due_date,
            completed_on,
            owner_id,
            full_name,
            job_title,
            email,
            source,
            success_measure,
            signed_off_at,
            latest_update,
            latest_update_at,
            area_ids,
        ) in values:
            has_owner = owner_id is not None
            areas = (
                sorted(titles[area] for area in area_ids.split(",") if area in titles)
                if area_ids
                else ()
            )
            yield ActionRow(
                pk=pk,
                reference=reference,
                title=title,
                description=description,
                status=STATUS_LABELS[status],
                rag=RAG_LABELS[rag],
                priority=PRIORITY_LABELS[priority],
                impact=IMPACT_LABELS[impact],
                start_date=start_date,
                due_date=due_date,
                completed_on=completed_on,
                overdue=status != Status.COMPLETED and due_date < today,
                # Scrutiny members see owners by job title, never by name or address.
                owner=(job_title or "Council officer" if read_only else full_name)
                if has_owner
                else None,
                owner_job_title=job_title if has_owner else None,
                owner_email=email if has_owner else None,
                areas="; ".join(areas),
                source=source,
                success_measure=success_measure,
                latest_update=latest_update,
                latest_update_at=latest_update_at,
                signed_off_at=signed_off_at,
            )

    def address(self, row):
        return f"{self._detail_prefix}{row.pk}{self._detail_suffix}"

    def columns(self):
        owner_columns = [
            Column("owner", "Owner", _field("owner")),
            Column("owner_job_title", "Owner's job title", _field("owner_job_title")),
        ]
        if not self.read_only:
            owner_columns.append(
                Column("owner_email", "Owner's e-mail address", _field("owner_email"))
            )
        return [
            Column("reference", "Reference", _field("reference")),
            Column("title", "Title", _field("title")),
            Column("description", "Description", _field("description")),
            Column("status", "Status", _field("status")),
            Column("rag", "RAG", _field("rag")),
            Column("priority", "Priority", _field("priority")),
            Column("impact", "Impact", _field("impact")),
            Column("start_date", "Start date", _field("start_date")),
            Column("due_date", "Due date", _field("due_date")),
            Column("completed_on", "Completed on", _field("completed_on")),
            Column("overdue", "Overdue", _field("overdue")),
            *owner_columns,
            Column("areas_of_concern", "Areas of concern", _field("areas")),
            Column("source", "Source", _field("source")),
            Column("success_measure", "Success measure", _field("success_measure")),
            Column("latest_update", "Latest update", _field("latest_update")),
            Column("latest_update_at", "Latest update posted", _field("latest_update_at")),
            Column("impact_signed_off_at", "Impact signed off", _field("signed_off_at")),
            Column("url", "Link", self.address),
        ]


class FindingsTable(Table):
    name = "findings"
    title = "Findings"
    model = Finding

    def rows(self):
        return (
            Finding.objects.visible_to(self.user)
            .select_related("visit", "area")
            .order_by("-visit__start_date", "visit_id", "section", "position", "id")
        )

    def columns(self):
        return [
            Column("id", "Id", _field("pk")),
            Column("visit", "Visit", lambda row: str(row.visit)),
            Column("visit_start_date", "Visit started", lambda row: row.visit.start_date),
            Column("letter_published", "Letter published", _letter_published),
            Column("letter_published_on", "Publication date", _visit_published_on),
            Column("area_of_concern", "Area of concern", lambda row: row.area and row.area.title),
            Column("kind", "Kind", _display("kind")),
            Column("section", "Section", _display("section")),
            Column("summary", "Summary", _field("summary")),
            Column("evidence", "The letter's words", _field("evidence")),
            Column("url", "Link", self.address),
        ]


class RatingsTable(Table):
    name = "area-ratings"
    title = "Area ratings"
    model = AreaRating

    def rows(self):
        return (
            AreaRating.objects.visible_to(self.user)
            .select_related("visit", "area")
            .order_by("area__title", "area_id", "visit__start_date", "id")
        )

    def columns(self):
        return [
            Column("id", "Id", _field("pk")),
            Column("area_of_concern", "Area of concern", lambda row: row.area.title),
            Column("visit", "Visit", lambda row: str(row.visit)),
            Column("visit_start_date", "Visit started", lambda row: row.visit.start_date),
            Column("letter_published", "Letter published", _letter_published),
            Column("letter_published_on", "Publication date", _visit_published_on),
            Column("rating", "Rating", _display("rating")),
            Column("commentary", "Commentary", _field("commentary")),
            Column("url", "Link", self.address),
        ]


# Cells


def _local(moment):
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def csv_cell(value):
    """Text Excel shows as it is: never a formula, dates as 2024-03-27."""
    if value is None:
        return ""
    if isinstance(value, str):  # most cells, so asked first
        return neutralise(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return _local(value).isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return neutralise(value)


def csv_row(values, zone):
    """One row's cells, as ``csv_cell`` makes them, in one pass: the commonest
    kinds of value are converted inline, with the time zone looked up once per
    file rather than once per cell (a download can have two million cells)."""
    cells = []
    for value in values:
        kind = type(value)
        if kind is str:
            cells.append(f"'{value}" if value[:1] in FORMULA_FIRST_CHARACTERS else value)
        elif value is None:
            cells.append("")
        elif kind is datetime.date:
            cells.append(value.isoformat())
        elif kind is datetime.datetime and value.tzinfo is not None:
            cells.append(value.astimezone(zone).isoformat(timespec="minutes"))
        else:
            cells.append(csv_cell(value))
    return cells


def xlsx_cell(value):
    """Dates stay dates and numbers numbers, so Excel sorts and filters them; text
    is neutralised, as in the CSV file."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: the local time people expect to read.
        return _local(value).replace(tzinfo=None)
    if isinstance(value, str):
        # Control characters other than tab and line breaks cannot be stored in a
        # workbook at all; what is left is neutralised like any other text.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def json_value(value):
    if isinstance(value, Decimal):
        # A number to a reporting tool, as in the workbook: figures have two places.
        return float(value)
    if isinstance(value, datetime.datetime):
        return _local(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# Files


def csv_lines(table):
    """The file for a streamed response, a batch of rows at a time: a byte order
    mark (so Excel reads it as UTF-8), the headings, then the rows."""
    columns = table.columns()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    zone = timezone.get_current_timezone()
    headings = [column.label for column in columns]
    rows = (csv_row(table.values(row, columns), zone) for row in table.each_row())
    for cells in _batches(itertools.chain([headings], rows), EXPORT_BATCH):
        writer.writerows(cells)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def xlsx_bytes(table):
    """The workbook, built in write-only mode so the rows are not all held as
    cell objects at once."""
    columns = table.columns()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.title[:31])
    for cells in _cells(table, columns, xlsx_cell):
        sheet.append([_formatted(sheet, cell) for cell in cells])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _formatted(sheet, value):
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATE_FORMAT
        return cell
    return value


def _cells(table, columns, cell):
    """The headings, then each row's values made into cells by ``cell``."""
    yield [column.label for column in columns]
    for row in table.each_row():
        yield [cell(value) for value in table.values(row, columns)]


def records(table, rows):
    """``rows`` (already read) as the feed's dictionaries."""
    columns = table.columns()
    keys = [column.key for column in columns]
    return [
        dict(zip(keys, map(json_value, table.values(row, columns)), strict=True)) for row in rows
    ]
