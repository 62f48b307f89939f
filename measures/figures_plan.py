"""What saving a file's figures would change: each figure beside what is recorded
for its measure and month, as new, changed or unchanged."""

import hashlib
from dataclasses import dataclass, field

from .models import MeasureValue

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
LONG = "long"


@dataclass
class Figure:
    """One month's figure for one measure, as a file or a form gives it: ``given``
    holds the fields it sets ({"value": Decimal("82.5"), "note": ""}), and a field
    it does not name is left as recorded."""

    where: str  # "Row 4", "Row 4, column C (March 2024)", or a measure's title
    measure: object
    period: object
    given: dict

    @property
    def value(self):
        return self.given["value"]


@dataclass
class Line:
    """One figure of the file beside what is recorded: new, changed or unchanged."""

    figure: Figure
    recorded: MeasureValue | None
    changes: dict = field(default_factory=dict)  # field -> (recorded, from the file)

    @property
    def kind(self):
        if self.recorded is None:
            return NEW
        return CHANGED if self.changes else UNCHANGED

    @property
    def measure(self):
        return self.figure.measure

    @property
    def period(self):
        return self.figure.period


@dataclass
class Plan:
    shape: str
    lines: list

    def of_kind(self, kind):
        return [line for line in self.lines if line.kind == kind]

    @property
    def new(self):
        return self.of_kind(NEW)

    @property
    def changed(self):
        return self.of_kind(CHANGED)

    @property
    def unchanged(self):
        return self.of_kind(UNCHANGED)

    @property
    def counts(self):
        return {kind: len(self.of_kind(kind)) for kind in (NEW, CHANGED, UNCHANGED)}

    @property
    def digest(self):
        """A fingerprint of what saving would do, to tell at confirmation whether the
        figures have moved since the person reviewed them."""
        digest = hashlib.sha256()
        for line in sorted(self.lines, key=lambda line: (line.measure.pk, line.period)):
            digest.update(f"{line.measure.pk}|{line.period}|{line.kind}".encode())
            for name, (old, new) in sorted(line.changes.items()):
                digest.update(f"|{name}:{old}>{new}".encode())
            digest.update(b"\n")
        return digest.hexdigest()


def plan_for(figures, shape=LONG, lock=False):
    """Each figure beside what is recorded for its measure and month (one query);
    with ``lock``, the recorded values are locked until the transaction ends."""
    recorded = {}
    if figures:
        measure_ids = {figure.measure.pk for figure in figures}
        periods = {figure.period for figure in figures}
        values = MeasureValue.objects.filter(measure_id__in=measure_ids, period__in=periods)
        if lock:
            values = values.select_for_update()
        for value in values:
            recorded[(value.measure_id, value.period)] = value
    lines = []
    for figure in figures:
        value = recorded.get((figure.measure.pk, figure.period))
        changes = {}
        for name, given in figure.given.items():
            old = getattr(value, name) if value is not None else None
            if value is None or old != given:
                changes[name] = (old, given)
        lines.append(Line(figure, value, changes))
    return Plan(shape, lines)


CHANGE_LABELS = {"value": "value", "england": "England", "neighbours": "neighbours", "note": "note"}


def change_words(line):
    """What saving ``line`` does to each field, in words: "value 80 → 82.5"."""
    from .figures_cells import figure_text

    parts = []
    for name, (old, new) in line.changes.items():
        label = CHANGE_LABELS[name]
        if name == "note":
            parts.append("note cleared" if not new else f"note \u201c{new}\u201d")
        elif new is None:
            parts.append(f"{label} {figure_text(old)} cleared")
        elif old is None:
            parts.append(f"{label} {figure_text(new)}")
        else:
            parts.append(f"{label} {figure_text(old)} \u2192 {figure_text(new)}")
    return ", ".join(parts)
