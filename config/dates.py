"""Dates in words as GOV.UK writes them ("5 December 2026"), for text made in Python:
record names, messages. Templates get the same from the ``date`` filter, whose
formats are config/formats/en_GB/formats.py. Downloads and feeds are data and keep
ISO 8601 (2026-12-05)."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(value):
    """ "5 December 2026"; a moment in time is taken on London's calendar first, so
    an update posted at 00:30 on a summer morning is not dated the day before."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "DATE_FORMAT")


def day_in_words(day):
    """What ``long_date`` writes for a date, without the formatter's machinery:
    for text that lists thousands of dates, such as the reminder e-mails."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
