"""Reading one cell of a file of figures: a month or a figure, written any of the
ways a spreadsheet or a person writes them."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from config.dates import MONTHS

from .models import FIGURE

# What a figure may be: two decimal places, and no more digits than the column holds.
PLACES = Decimal(10) ** -FIGURE["decimal_places"]
LARGEST = Decimal(10) ** (FIGURE["max_digits"] - FIGURE["decimal_places"])
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
MONTH_NAMES = {name.lower(): number for number, name in enumerate(MONTHS, start=1)}
MONTH_NAMES |= {name[:3].lower(): number for number, name in enumerate(MONTHS, start=1)}
MONTH_NAMES["sept"] = 9
WORDED_MONTH = re.compile(r"^([a-z]+)[\s\-/]+(\d{4})$")


class NotAMonth(ValueError):
    pass


class NotAFigure(ValueError):
    pass


def text_of(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_month(value):
    """The first day of the month a cell names: a date, ``2024-03``, ``2024-03-01``,
    ``Mar 2024`` or ``March 2024``."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = text_of(value)
    if found := ISO_MONTH.match(text):
        year, month, day = int(found[1]), int(found[2]), found[3]
        if 1 <= month <= 12 and (day is None or _is_day(year, month, int(day))):
            return datetime.date(year, month, 1)
        raise NotAMonth(text)
    found = WORDED_MONTH.match(text.lower())
    if found and (month := MONTH_NAMES.get(found[1])):
        return datetime.date(int(found[2]), month, 1)
    raise NotAMonth(text)


def _is_day(year, month, day):
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def parse_figure(value):
    """A cell's figure to two places, or None for an empty cell. ``45.5%`` and
    ``1,234`` are read as 45.5 and 1234."""
    if value is None:
        return None
    if isinstance(value, bool):  # TRUE or FALSE in a spreadsheet cell
        raise NotAFigure(str(value).upper())
    if isinstance(value, datetime.date | datetime.datetime):
        raise NotAFigure(f"{value:%d/%m/%Y}")
    if isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, int | Decimal):
        number = Decimal(value)
    else:
        text = str(value).strip().removesuffix("%").strip()
        if not text:
            return None
        if THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation as error:
            raise NotAFigure(str(value).strip()) from error
    if not number.is_finite() or abs(number) >= LARGEST:
        raise NotAFigure(text_of(value))
    return number.quantize(PLACES, rounding=ROUND_HALF_UP)


def month_label(period):
    return f"{MONTHS[period.month - 1]} {period.year}"


def figure_text(figure):
    """82.50 -> "82.5", 80.00 -> "80": a figure as a person writes it."""
    if figure is None:
        return ""
    return f"{figure.normalize():f}" if isinstance(figure, Decimal) else str(figure)
