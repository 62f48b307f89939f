"""Files of monthly figures made in the tests: CSV text and XLSX workbooks built
with openpyxl, as Excel and Power BI write them."""

import datetime
import io

from openpyxl import Workbook


def csv_bytes(text, bom=False):
    data = text.strip().replace("\n", "\r\n").encode("utf-8") + b"\r\n"
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, formats=None, *, sheet_title="Figures", extra_sheets=()):
    """A workbook whose first sheet holds ``rows``; ``formats`` maps a cell name
    ("B2") to its number format, such as "0.0%"."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(list(row))
    for name, number_format in (formats or {}).items():
        sheet[name].number_format = number_format
    for title in extra_sheets:
        workbook.create_sheet(title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def next_month(today=None):
    today = today or datetime.date.today()
    return (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
