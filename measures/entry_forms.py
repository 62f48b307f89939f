"""The page for one month's figures: a row per measure the person supplies, each
with its value, England and statistical neighbours figures and a note, prefilled
with what is recorded, checked the way a file of figures is checked
(``figures_cells.parse_figure``, ``models.check_figure``, ``models.check_period``).

Every field of a row is shown as recorded, so a field left empty means "no
figure": an England figure cleared is removed, and a value cleared removes the
month's figure altogether (its history keeps what it was). A row that gives an
England or neighbours figure or a note with no value is refused: those are kept
beside a value, never on their own.

Each row carries a fingerprint of what was recorded when the page was drawn
(``seen``): if someone else has changed that month's figures since, and this
person's row differs from them, the whole page is refused and the row shows the
figures as they now stand, so that nobody undoes a change they never saw.
"""

import hashlib

from django import forms

from .figures_cells import (
    NotAFigure,
    NotAMonth,
    figure_text,
    month_label,
    parse_figure,
    parse_month,
)
from .figures_plan import Figure
from .models import FIGURE_FIELDS, MeasureValue, check_figure, check_period, this_month
from .trends import months_before

NOTE_MAX_LENGTH = MeasureValue._meta.get_field("note").max_length
FIELD_LABELS = {
    "value": "value",
    "england": "England figure",
    "neighbours": "neighbours figure",
}
INPUT_LABELS = {"value": "Value", "england": "England", "neighbours": "Statistical neighbours"}
ROW_FIELDS = (*FIGURE_FIELDS, "note")
# How far back the month chooser reaches at least; it reaches further where
# older figures are recorded, so that any of them can be corrected.
CHOOSER_MONTHS = 36


def month_key(period):
    return f"{period:%Y-%m}"


def month_choices(earliest=None, today=None):
    """(``2024-03``, "March 2024"), newest first, from this month back."""
    newest = this_month(today)
    oldest = months_before(newest, CHOOSER_MONTHS - 1)
    if earliest is not None and earliest < oldest:
        oldest = earliest.replace(day=1)
    months, period = [], newest
    while period >= oldest:
        months.append((month_key(period), month_label(period)))
        period = months_before(period, 1)
    return months


def default_month(today=None):
    """Last month: a month's figures are reported once it has ended."""
    return months_before(this_month(today), 1)


def read_month(text, today=None):
    """The month ``text`` names (``2024-03``), or (None, why not)."""
    try:
        period = parse_month(text)
    except NotAMonth:
        return None, f"\u201c{text}\u201d is not a month: choose one from the list"
    if check_period(period, today):
        return None, f"{month_label(period)} is in the future: choose this month or an earlier one"
    return period, None


def fingerprint(recorded):
    """What is recorded for a measure's month, in a few characters ("" for nothing)."""
    if recorded is None:
        return ""
    text = "|".join(str(getattr(recorded, name) or "") for name in ROW_FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def shown(recorded, name):
    """A recorded field as the page prefills it."""
    if recorded is None:
        return ""
    value = getattr(recorded, name)
    return value if name == "note" else figure_text(value)


class MonthChoiceForm(forms.Form):
    """The month chooser at the top of the page (a GET form)."""

    use_required_attribute = False

    month = forms.ChoiceField(label="Month")

    def __init__(self, *args, earliest=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(earliest, today)


class FiguresForm(forms.Form):
    """One month's figures for ``measures``, beside ``recorded`` ({measure pk: value})."""

    use_required_attribute = False

    def __init__(self, *args, measures, recorded, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = list(measures)
        self.recorded = recorded
        self.period = period
        self.conflicts = []
        for measure in self.measures:
            before = recorded.get(measure.pk)
            for name in FIGURE_FIELDS:
                self.fields[self.name(name, measure)] = forms.CharField(
                    required=False, initial=shown(before, name), strip=True
                )
            self.fields[self.name("note", measure)] = forms.CharField(
                required=False, initial=shown(before, "note"), strip=True
            )
            self.fields[self.name("seen", measure)] = forms.CharField(
                required=False, initial=fingerprint(before), widget=forms.HiddenInput
            )

    @staticmethod
    def name(field, measure):
        return f"{field}_{measure.pk}"

    def rows(self):
        """Each measure with its bound fields, for the template."""
        for measure in self.measures:
            fields = {name: self[self.name(name, measure)] for name in (*ROW_FIELDS, "seen")}
            yield {
                "measure": measure,
                "recorded": self.recorded.get(measure.pk),
                "figure_fields": [(fields[name], INPUT_LABELS[name]) for name in FIGURE_FIELDS],
                "errors": [error for name in ROW_FIELDS for error in fields[name].errors],
                **fields,
            }

    def clean(self):
        cleaned = super().clean()
        self.figures, self.removed = [], []
        for measure in self.measures:
            self._clean_row(measure, cleaned)
        return cleaned

    def _clean_row(self, measure, cleaned):
        where = measure.title
        given, bad = {}, False
        for name in FIGURE_FIELDS:
            field = self.name(name, measure)
            text = cleaned.get(field, "")
            try:
                given[name] = parse_figure(text)
            except NotAFigure:
                given[name], bad = None, True
                self.add_error(
                    field, f"{where}: the {FIELD_LABELS[name]} \u201c{text}\u201d is not a number"
                )
                continue
            label = f"{where}: the {FIELD_LABELS[name]}"
            if problem := check_figure(measure.unit, given[name], label):
                self.add_error(field, problem)
                bad = True
        note_field = self.name("note", measure)
        given["note"] = cleaned.get(note_field, "")
        if len(given["note"]) > NOTE_MAX_LENGTH:
            self.add_error(
                note_field, f"{where}: the note must be {NOTE_MAX_LENGTH:,} characters or fewer"
            )
            bad = True
        before = self.recorded.get(measure.pk)
        empty = given["value"] is None
        if empty and not bad and any(given[name] for name in ("england", "neighbours", "note")):
            self.add_error(
                self.name("value", measure),
                f"{where}: enter the value, or clear the England and neighbours figures and "
                "the note as well",
            )
            bad = True
        if bad:
            return
        if empty and before is None:
            return  # no figure before, none now
        if (
            not empty
            and before is not None
            and all(getattr(before, name) == given[name] for name in ROW_FIELDS)
        ):
            return  # as recorded
        if cleaned.get(self.name("seen", measure), "") != fingerprint(before):
            self._conflict(measure, before)
            return
        if empty:
            self.removed.append(before)
        else:
            self.figures.append(Figure(where, measure, self.period, given))

    def _conflict(self, measure, before):
        """Someone changed this month's figures since the page was drawn: refuse, and
        show the row as it now stands."""
        self.conflicts.append(measure)
        self.add_error(
            self.name("value", measure),
            f"{measure.title}: someone else has changed its figures for "
            f"{month_label(self.period)} since you opened this page. The figures now "
            "recorded are shown: check them, make your change again and save",
        )
        self.data = self.data.copy()
        for name in ROW_FIELDS:
            self.data[self.name(name, measure)] = shown(before, name)
        self.data[self.name("seen", measure)] = fingerprint(before)

    def error_list(self):
        """Every message with the id of the field it belongs to, in the page's order."""
        errors = []
        for field in self:
            for message in field.errors:
                errors.append({"text": message, "href": f"#{field.auto_id}"})
        return errors
