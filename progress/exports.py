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
batch for the rows and their areas of concern, never a query per row.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from accounts.access import is_read_only, may
from accounts.history import neutralise
from actions.filters import ActionFilterForm, filter_actions, parse_sort
from actions.models import ActionUpdate, ImprovementAction, Rag
from findings.models import AreaRating, Finding
from inspections.models import AreaOfConcern

EXPORT_BATCH = 2000
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
    return lambda row: getattr(row, name)


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

    def each_row(self):
        # In a transaction of its own: a CSV file is streamed after the view (and
        # the request's transaction) has finished, and outside one PostgreSQL's
        # cursor must work out and store every row before sending the first.
        with transaction.atomic():
            yield from self.rows().iterator(chunk_size=EXPORT_BATCH)

    @property
    def filename(self):
        return f"{self.name}-{timezone.localdate():%Y-%m-%d}"


class ActionsTable(Table):
    name = "actions"
    title = "Improvement actions"
    model = ImprovementAction

    def rows(self, today=None):
        # Bound whatever the query string holds: a form bound to no filters
        # accepts none, as the list's unbound form does.
        form = ActionFilterForm(self.params, user=self.user)
        sort_key, descending = parse_sort(self.params.get("sort"))
        actions = filter_actions(form.filters(), sort_key, descending, today=today)
        updates = ActionUpdate.objects.filter(action=OuterRef("pk"))
        if self.read_only:
            updates = updates.filter(shareable_with_scrutiny=True)
        latest = updates.order_by("-created_at", "-id")
        areas = AreaOfConcern.objects.visible_to(self.user).order_by("title")
        return actions.annotate(
            latest_update=Subquery(latest.values("note")[:1]),
            latest_update_at=Subquery(latest.values("created_at")[:1]),
        ).prefetch_related(Prefetch("areas", queryset=areas, to_attr="shown_areas"))

    def columns(self):
        owner_columns = [
            Column("owner", "Owner", self._owner),
            Column("owner_job_title", "Owner's job title", self._owner_job_title),
        ]
        if not self.read_only:
            owner_columns.append(Column("owner_email", "Owner's e-mail address", self._owner_email))
        return [
            Column("reference", "Reference", _field("reference")),
            Column("title", "Title", _field("title")),
            Column("description", "Description", _field("description")),
            Column("status", "Status", _display("status")),
            Column("rag", "RAG", lambda row: Rag(row.rag).label),
            Column("priority", "Priority", _display("priority")),
            Column("impact", "Impact", _display("impact")),
            Column("start_date", "Start date", _field("start_date")),
            Column("due_date", "Due date", _field("due_date")),
            Column("completed_on", "Completed on", _field("completed_on")),
            Column("overdue", "Overdue", _field("is_overdue")),
            *owner_columns,
            Column("areas_of_concern", "Areas of concern", self._areas),
            Column("source", "Source", _field("source")),
            Column("success_measure", "Success measure", _field("success_measure")),
            Column("latest_update", "Latest update", _field("latest_update")),
            Column("latest_update_at", "Latest update posted", _field("latest_update_at")),
            Column("impact_signed_off_at", "Impact signed off", _field("signed_off_at")),
            Column("url", "Link", self.address),
        ]

    def _owner(self, row):
        if row.owner is None:
            return None
        return row.owner.public_label if self.read_only else row.owner.full_name

    @staticmethod
    def _owner_job_title(row):
        return row.owner.job_title if row.owner else None

    @staticmethod
    def _owner_email(row):
        return row.owner.email if row.owner else None

    @staticmethod
    def _areas(row):
        return "; ".join(area.title for area in row.shown_areas)


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


TABLES = {table.name: table for table in (ActionsTable, FindingsTable, RatingsTable)}


# Cells


def _local(moment):
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def csv_cell(value):
    """Text Excel shows as it is: never a formula, dates as 2024-03-27."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return _local(value).isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return neutralise(value)


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
    if isinstance(value, datetime.datetime):
        return _local(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# Files


def csv_lines(table):
    """The file a line at a time, for a streamed response: a byte order mark (so
    Excel reads it as UTF-8), the headings, then the rows."""
    columns = table.columns()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for cells in _cells(table, columns, csv_cell):
        writer.writerow(cells)
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
