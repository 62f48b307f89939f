"""Files of monthly figures made in the tests: CSV text and XLSX workbooks built
with openpyxl, as Excel and Power BI write them."""

import datetime
import io
import zipfile

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


def xlsx_with_stored_formula(formula, stored):
    """A workbook whose C2 holds ``formula`` with ``stored`` as its last result,
    as Excel saves a calculated cell."""
    data = xlsx_bytes(
        [["measure", "period", "value"], ["% of children seen alone", "2024-01", formula]]
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                written = f"<f>{formula.removeprefix('=')}</f><v></v>"
                assert written in text, text
                content = text.replace(
                    written, f"<f>{formula.removeprefix('=')}</f><v>{stored}</v>"
                ).encode()
            target.writestr(item, content)
    return buffer.getvalue()
