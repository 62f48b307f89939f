"""Saving monthly figures: all of them in one transaction or none, each new or
changed value with a history row naming the person, unchanged ones untouched.

A file is judged again when it is confirmed, with the recorded values it changes
locked, and saved only if saving it would still do what the person reviewed: if
someone has entered figures for the same months since, ``FiguresMoved`` carries
the plan as it now stands, to be reviewed again.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .figures_import import plan_from_file
from .figures_plan import CHANGED, NEW
from .models import MeasureValue

SAVED_FIELDS = ["value", "england", "neighbours", "note", "entered_by", "entered_at"]
# History's change reason holds 100 characters.
REASON_LENGTH = 100
BATCH_SIZE = 500


class FiguresMoved(Exception):
    """The recorded figures changed between review and confirmation."""

    def __init__(self, plan):
        super().__init__("The recorded figures have changed since the file was reviewed")
        self.plan = plan


def save_plan(plan, user, reason=""):
    """Write the plan's new and changed values as ``user``, in one transaction."""
    now = timezone.now()
    created, updated = [], []
    for line in plan.lines:
        if line.kind == NEW:
            created.append(
                MeasureValue(
                    measure=line.measure,
                    period=line.period,
                    entered_by=user,
                    entered_at=now,
                    **{"note": "", **line.figure.given},
                )
            )
        elif line.kind == CHANGED:
            value = line.recorded
            for name, (_old, new) in line.changes.items():
                setattr(value, name, new)
            value.entered_by, value.entered_at = user, now
            updated.append(value)
    history = {"default_user": user, "default_change_reason": reason[:REASON_LENGTH] or None}
    with transaction.atomic():
        # The *_with_history helpers write each value's history row with it, which
        # bulk_create and update() alone would not (django-simple-history's
        # common issues); thousands of values are then a few statements, not thousands.
        if created:
            bulk_create_with_history(created, MeasureValue, batch_size=BATCH_SIZE, **history)
        if updated:
            bulk_update_with_history(
                updated, MeasureValue, SAVED_FIELDS, batch_size=BATCH_SIZE, **history
            )
    return plan


def confirm_file(data, user, reviewed_digest, *, reason="", today=None):
    """Save the figures in ``data`` as ``user`` if saving them still changes what
    the person reviewed (``Plan.digest``); otherwise ``FiguresMoved``."""
    try:
        with transaction.atomic():
            plan = plan_from_file(data, user, today, lock=True)
            if plan.digest != reviewed_digest:
                raise FiguresMoved(plan)
            return save_plan(plan, user, reason)
    except IntegrityError:
        # Someone saved a value for one of these months after this one read them
        # (a new row: there was nothing to lock). Everything here was rolled back.
        raise FiguresMoved(plan_from_file(data, user, today)) from None
