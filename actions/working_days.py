"""Which days are working days, and so which month's figures a day's digest
asks for.

Working days are Monday to Friday less England and Wales bank holidays
(``settings.REMINDERS``' HOLIDAYS_COUNTRY and HOLIDAYS_SUBDIVISION): the days
reminder digests go out. Each month's figures are due by the
FIGURES_DUE_WORKING_DAY-th (fifth) working day of the month after, so a bank
holiday early in a month moves the day they are due.
"""

import datetime as dt
import functools

import holidays
from django.conf import settings

from measures.models import first_of_month
from measures.trends import months_before


@functools.lru_cache(maxsize=8)
def _bank_holidays(country, subdivision):
    return holidays.country_holidays(country, subdiv=subdivision)


def is_working_day(day):
    """Monday to Friday, and not an England and Wales bank holiday."""
    if day.weekday() >= 5:
        return False
    rules = settings.REMINDERS
    return day not in _bank_holidays(rules["HOLIDAYS_COUNTRY"], rules["HOLIDAYS_SUBDIVISION"])


def figures_due_on(month):
    """The day ``month``'s figures are due: the FIGURES_DUE_WORKING_DAY-th working
    day of the month after it (``month`` is a first of the month)."""
    day = months_before(month, -1)
    wanted = settings.REMINDERS["FIGURES_DUE_WORKING_DAY"]
    while True:
        if is_working_day(day):
            wanted -= 1
            if wanted == 0:
                return day
        day += dt.timedelta(days=1)


def figures_month(day):
    """The latest month whose figures are due by ``day``: the month before, from
    the day its figures fall due; until then, the month before that."""
    previous = months_before(first_of_month(day), 1)
    if day >= figures_due_on(previous):
        return previous
    return months_before(previous, 1)
