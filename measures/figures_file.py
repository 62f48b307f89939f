"""Reading a file of monthly figures into a grid of cells: a CSV file or an Excel
workbook (.xlsx), told apart by their contents rather than their names.

Nothing here knows about measures: ``measures.figures_import`` reads the grid.
Every refusal is a ``FileRefused`` with messages a person can act on, naming the
cell where there is one, as Excel names it ("C4").

Limits are checked before the work they guard: a file over the size limit is
refused before it is read, and a workbook whose parts unpack to far more than
its size (a "zip bomb") before openpyxl unpacks it.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from openpyxl.utils import get_column_letter

from config.words import size_in_words

# A grid larger than this is not a month's figures: 200 measures over ten years
# in the long shape is 24,000 rows.
MAX_ROWS = 50_000
MAX_COLUMNS = 400
# How much a workbook's parts may unpack to, as a multiple of the size limit.
MAX_UNPACKED_RATIO = 25

ZIP_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"


# A long list of problems is shown this far, then counted.
PROBLEMS_SHOWN = 20


class FileRefused(Exception):
    """The file cannot be read: ``messages`` says why, one problem a line."""

    def __init__(self, messages):
        if isinstance(messages, str):
            messages = [messages]
        super().__init__("; ".join(messages))
        self.messages = list(messages)

    @property
    def shown(self):
        return self.messages[:PROBLEMS_SHOWN]

    @property
    def not_shown(self):
        """How many problems there are beyond those shown, said in words, or ""."""
        more = len(self.messages) - PROBLEMS_SHOWN
        if more <= 0:
            return ""
        return f"and {more:,} more problem{'s' if more != 1 else ''}"


@dataclass(frozen=True)
class Cell:
    row: int  # 1 for the first row, as a spreadsheet numbers them
    column: int  # 1 for column A
    value: object  # str, int, float, datetime, or None for an empty cell

    @property
    def name(self):
        return f"{get_column_letter(self.column)}{self.row}"

    @property
    def column_letter(self):
        return get_column_letter(self.column)

    @property
    def is_empty(self):
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass
class Grid:
    """The rows of the file's first sheet, empty rows left out."""

    rows: list  # of lists of Cell
    sheet_name: str = ""


def size_limit_label():
    return size_in_words(settings.MEASURES_IMPORT_MAX_BYTES)


def check_size(size):
    """Refuse a file over the limit, from its size alone (before reading it)."""
    if size > settings.MEASURES_IMPORT_MAX_BYTES:
        raise FileRefused(f"The file must be smaller than {size_limit_label()}")
    if size == 0:
        raise FileRefused("The file is empty")


def read_grid(data):
    """The grid of cells in ``data``, a CSV file's or an XLSX workbook's bytes."""
    check_size(len(data))
    if data.startswith(ZIP_MAGIC):
        return _read_workbook(data)
    if data.startswith(OLD_EXCEL_MAGIC):
        raise FileRefused(
            "The file is an older Excel workbook (.xls): save it as an Excel Workbook "
            "(.xlsx) or as CSV UTF-8, and upload that"
        )
    if b"\x00" in data[:4096]:
        raise FileRefused("The file must be a CSV file or an Excel workbook (.xlsx)")
    return _read_csv(data)


def _read_csv(data):
    try:
        # Excel's "CSV UTF-8" starts with a byte order mark, which utf-8-sig drops.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise FileRefused(
            f"The file is not in UTF-8 (row {row} has a character that is not): in Excel, "
            "choose Save As and CSV UTF-8 (Comma delimited), then upload that file"
        ) from error
    rows = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > MAX_ROWS:
                raise FileRefused(f"The file has more than {MAX_ROWS:,} rows: split it")
            if len(values) > MAX_COLUMNS:
                raise FileRefused(
                    f"Row {number} has more than {MAX_COLUMNS} columns: this is not "
                    "a file of monthly figures"
                )
            cells = [Cell(number, column, value) for column, value in enumerate(values, start=1)]
            if any(not cell.is_empty for cell in cells):
                rows.append(cells)
    except csv.Error as error:
        raise FileRefused(f"The file cannot be read as CSV: {error}") from error
    if not rows:
        raise FileRefused("The file is empty")
    return Grid(rows=rows)


def _read_workbook(data):
    from openpyxl import load_workbook

    _check_unpacked_size(data)
    try:
        # Two views of the same sheet: the values Excel stored when it last saved the
        # file, and the cells as written, to tell a formula with no stored value
        # (a file written by a program, never opened in Excel) from an empty cell.
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        written = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileRefused(
            "The file is not an Excel workbook that can be read: save it from Excel as "
            "an Excel Workbook (.xlsx) or as CSV UTF-8"
        ) from error
    try:
        if not values.worksheets:
            raise FileRefused("The workbook has no sheets")
        sheet, sheet_as_written = values.worksheets[0], written.worksheets[0]
        rows = _sheet_rows(sheet, sheet_as_written)
    finally:
        values.close()
        written.close()
    if not rows:
        raise FileRefused(f"The sheet \u201c{sheet.title}\u201d is empty")
    return Grid(rows=rows, sheet_name=sheet.title)


def _check_unpacked_size(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise FileRefused(
            "The file is not an Excel workbook that can be read: save it from Excel as "
            "an Excel Workbook (.xlsx) or as CSV UTF-8"
        ) from error
    if unpacked > settings.MEASURES_IMPORT_MAX_BYTES * MAX_UNPACKED_RATIO:
        raise FileRefused(
            f"The workbook is too large once unpacked: keep it smaller than {size_limit_label()} "
            "of figures"
        )


def _sheet_rows(sheet, sheet_as_written):
    rows, problems = [], []
    # One column past the limit, to notice a sheet wider than it; the sheet's own
    # dimension otherwise, so that rows are not padded out to the limit.
    bounds = {"min_row": 1, "min_col": 1, "max_col": min(sheet.max_column or 1, MAX_COLUMNS + 1)}
    pairs = zip(
        sheet.iter_rows(**bounds),
        sheet_as_written.iter_rows(**bounds),
        strict=False,
    )
    for number, (stored, written) in enumerate(pairs, start=1):
        if number > MAX_ROWS:
            raise FileRefused(f"The sheet has more than {MAX_ROWS:,} rows: split it")
        cells = []
        for column, (stored_cell, written_cell) in enumerate(
            zip(stored, written, strict=False), start=1
        ):
            value = _cell_value(stored_cell)
            if value is None and getattr(written_cell, "data_type", None) == "f":
                cell = Cell(number, column, None)
                problems.append(
                    f"Cell {cell.name} holds a formula with no stored value: open the file "
                    "in Excel so that it calculates, save it and upload it again"
                )
            if column > MAX_COLUMNS and value is not None:
                raise FileRefused(
                    f"Row {number} has more than {MAX_COLUMNS} columns: this is not a file "
                    "of monthly figures"
                )
            cells.append(Cell(number, column, value))
        if any(not cell.is_empty for cell in cells):
            rows.append(cells[:MAX_COLUMNS])
    if problems:
        raise FileRefused(problems)
    return rows


def _cell_value(cell):
    value = getattr(cell, "value", None)
    # A cell formatted as a percentage holds a fraction (0.825 shows as 82.5%);
    # the figure the person sees is the one meant.
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if is_number and "%" in (getattr(cell, "number_format", "") or ""):
        return Decimal(repr(value)) * 100
    if isinstance(value, datetime.time):
        return str(value)
    return value
