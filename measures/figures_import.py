"""Monthly figures from a file: what it says, checked whole, and what saving it
would change (``Plan``). The upload pages and ``import_measures`` both read files
through ``plan_from_file``, so a file is judged the same way wherever it comes in.

Two shapes, told apart by the first row:

- long: one row per figure, headed ``measure,period,value`` and, if wanted,
  ``england``, ``neighbours`` and ``note``, in any order;
- wide: one row per measure, as Excel and Power BI export a table: the first
  column the measure, then one column per month, headed ``2024-03``,
  ``Mar 2024``, ``March 2024`` or a date.

A measure is named by its title (any capitals) or its number. Every row is checked
before anything is judged, and any problem refuses the whole file, so that a file
half-read is never half-saved. An empty England, neighbours or note cell leaves
what is recorded as it is: a file can add figures, never quietly remove them.
"""

import datetime
import re

from .figures_cells import NotAFigure, NotAMonth, month_label, parse_figure, parse_month, text_of
from .figures_file import FileRefused, read_grid
from .figures_plan import LONG, Figure, plan_for
from .models import MeasureValue, check_figure, check_period

WIDE = "wide"
# The long shape's columns, by the names a header may give them.
LONG_HEADERS = {
    "measure": "measure",
    "period": "period",
    "month": "period",
    "value": "value",
    "england": "england",
    "neighbours": "neighbours",
    "statistical neighbours": "neighbours",
    "note": "note",
}
REQUIRED_LONG = ("measure", "period", "value")
FIGURE_FIELDS = ("value", "england", "neighbours")
FIELD_LABELS = {
    "value": "value",
    "england": "England figure",
    "neighbours": "neighbours figure",
    "note": "note",
}
ROW_NUMBER = re.compile(r"^Row (\d+)")
NOTE_MAX_LENGTH = MeasureValue._meta.get_field("note").max_length


# What the file says ---------------------------------------------------------------------


class Problems:
    """Every problem found, each beginning with where it is, told in the file's order
    (a row's own problems first found, the checks across rows after)."""

    def __init__(self):
        self.found = []

    @property
    def messages(self):
        return [message for _place, _order, message in sorted(self.found)]

    def add(self, where, message):
        row = ROW_NUMBER.match(where)
        place = int(row[1]) if row else 0
        self.found.append((place, len(self.found), f"{where}: {message}" if where else message))

    def raise_any(self):
        if self.found:
            raise FileRefused(self.messages)


class Measures:
    """The measures a file may name, found by title or number, and which of them
    the person may enter figures for."""

    def __init__(self, measures, allowed_ids):
        self.by_title = {measure.title.casefold(): measure for measure in measures}
        self.by_id = {str(measure.pk): measure for measure in measures}
        self.allowed_ids = set(allowed_ids)

    def find(self, cell_value, where, problems):
        name = text_of(cell_value)
        if not name:
            problems.add(where, "enter the measure's title")
            return None
        measure = self.by_title.get(" ".join(name.split()).casefold()) or self.by_id.get(name)
        if measure is None:
            problems.add(where, f"there is no measure called \u201c{name}\u201d")
            return None
        if measure.pk not in self.allowed_ids:
            problems.add(
                where,
                f"you do not supply \u201c{measure.title}\u201d, so you cannot enter its figures",
            )
            return None
        return measure


def header_names(grid):
    return [text_of(cell.value).lower() for cell in grid.rows[0]]


def shape_of(grid):
    meanings = {LONG_HEADERS.get(" ".join(name.split())) for name in header_names(grid)}
    if meanings >= set(REQUIRED_LONG):
        return LONG
    months = [cell for cell in grid.rows[0][1:] if not cell.is_empty]
    if months and all(_is_month(cell.value) for cell in months):
        return WIDE
    raise FileRefused(
        "The first row must name the columns: either measure, period and value (with "
        "england, neighbours and note if wanted), or the measure followed by one "
        "column for each month, such as 2024-03 or March 2024"
    )


def _is_month(value):
    try:
        parse_month(value)
    except NotAMonth:
        return False
    return True


def figures_in(grid, measures, today=None):
    """Every figure the grid gives, checked: a list of ``Figure``, or FileRefused
    with every problem found."""
    problems = Problems()
    shape = shape_of(grid)
    if shape == LONG:
        figures = _long_figures(grid, measures, problems)
    else:
        figures = _wide_figures(grid, measures, problems)
    if not figures and not problems.messages:
        problems.add("", "The file has no figures under its first row")
    _check_figures(figures, problems, today)
    problems.raise_any()
    return shape, figures


def _long_columns(grid, problems):
    columns = {}
    for cell in grid.rows[0]:
        name = " ".join(text_of(cell.value).lower().split())
        if not name:
            continue
        meaning = LONG_HEADERS.get(name)
        if meaning is None:
            problems.add(
                f"Column {cell.column_letter}",
                f"\u201c{text_of(cell.value)}\u201d is not a column this file can have: "
                "use measure, period, value, england, neighbours and note",
            )
        elif meaning in columns:
            problems.add(f"Column {cell.column_letter}", f"{name} is a column twice")
        else:
            columns[meaning] = cell.column - 1
    return columns


def _long_figures(grid, measures, problems):
    columns = _long_columns(grid, problems)
    if problems.messages:
        return []
    figures = []

    def cell(row, meaning):
        index = columns.get(meaning)
        return row[index].value if index is not None and index < len(row) else None

    for row in grid.rows[1:]:
        where = f"Row {row[0].row}"
        measure = measures.find(cell(row, "measure"), where, problems)
        period = _month(cell(row, "period"), where, problems)
        found = {name: _figure(cell(row, name), where, name, problems) for name in FIGURE_FIELDS}
        if found["value"] is None and text_of(cell(row, "value")) == "":
            problems.add(where, "enter the value")
        note = text_of(cell(row, "note")) or None
        if note and len(note) > NOTE_MAX_LENGTH:
            problems.add(where, f"the note must be {NOTE_MAX_LENGTH:,} characters or fewer")
        if measure is not None and period is not None and found["value"] is not None:
            given = {name: figure for name, figure in found.items() if figure is not None}
            figures.append(Figure(where, measure, period, given | ({"note": note} if note else {})))
    return figures


def _wide_figures(grid, measures, problems):
    header = grid.rows[0]
    months = {}
    for cell in header[1:]:
        if cell.is_empty:
            continue
        period = parse_month(cell.value)
        if period in months:
            problems.add(
                f"Columns {months[period].column_letter} and {cell.column_letter}",
                f"both are headed {month_label(period)}",
            )
        else:
            months[period] = cell
    figures = []
    for row in grid.rows[1:]:
        where = f"Row {row[0].row}"
        measure = measures.find(row[0].value, where, problems)
        for period, heading in months.items():
            index = heading.column - 1
            if index >= len(row) or row[index].is_empty:
                continue  # a month with no figure yet
            place = f"{where}, column {heading.column_letter} ({month_label(period)})"
            value = _figure(row[index].value, place, "value", problems)
            if measure is not None and value is not None:
                figures.append(Figure(place, measure, period, {"value": value}))
        for cell in row[1:]:
            if not cell.is_empty and (
                cell.column - 1 >= len(header) or header[cell.column - 1].is_empty
            ):
                problems.add(
                    f"{where}, column {cell.column_letter}", "the column has no month at its top"
                )
    return figures


def _month(value, where, problems):
    if text_of(value) == "" and not isinstance(value, datetime.date):
        problems.add(where, "enter the month, such as 2024-03")
        return None
    try:
        return parse_month(value)
    except NotAMonth:
        problems.add(
            where,
            f"\u201c{text_of(value)}\u201d is not a month: write it as YYYY-MM, such as 2024-03",
        )
        return None


def _figure(value, where, name, problems):
    try:
        return parse_figure(value)
    except NotAFigure as error:
        problems.add(where, f"the {FIELD_LABELS[name]} \u201c{error}\u201d is not a number")
        return None


def _check_figures(figures, problems, today):
    seen = {}
    for figure in figures:
        key = (figure.measure.pk, figure.period)
        if key in seen:
            problems.add(
                figure.where,
                f"{figure.measure.title} for {month_label(figure.period)} is given again "
                f"({seen[key][0].lower()}{seen[key][1:]} gives it too)",
            )
        else:
            seen[key] = figure.where
        if check_period(figure.period, today):
            problems.add(figure.where, f"{month_label(figure.period)} is in the future")
        for name in FIGURE_FIELDS:
            label = f"the {FIELD_LABELS[name]}"
            if problem := check_figure(figure.measure.unit, figure.given.get(name), label):
                problems.add(figure.where, problem[0].lower() + problem[1:])


def plan_from_file(data, user, today=None, lock=False):
    """What saving the file ``data`` (its bytes) as ``user`` would change, or
    FileRefused saying everything wrong with it. With ``user`` None (a trial run of
    ``import_measures`` naming nobody) any measure may be named."""
    from .models import Measure

    grid = read_grid(data)
    measures = list(Measure.objects.only("pk", "title", "unit", "owner_id"))
    if user is None:
        allowed = [measure.pk for measure in measures]
    else:
        allowed = Measure.objects.enterable_by(user).values_list("pk", flat=True)
    shape, figures = figures_in(grid, Measures(measures, allowed), today)
    return plan_for(figures, shape, lock)
