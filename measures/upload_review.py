"""What the review page shows of a file's plan: every figure, grouped by what saving
it does (changed, new, unchanged) and then by measure, so that a file of thousands
of figures reads as a few dozen lines, each of which opens to its months."""

from dataclasses import dataclass, field
from itertools import groupby

from config.words import count_of

from .figures_cells import month_label
from .figures_plan import CHANGED, NEW, UNCHANGED, change_words

KIND_HEADINGS = {
    CHANGED: "Figures that change",
    NEW: "New figures",
    UNCHANGED: "Figures already recorded as the file gives them",
}


@dataclass
class MeasureGroup:
    measure: object
    lines: list

    @property
    def count(self):
        return len(self.lines)

    @property
    def months(self):
        """ "3 months, January 2024 to March 2024", or "1 month, March 2024"."""
        first, last = self.lines[0].period, self.lines[-1].period
        span = (
            month_label(first) if first == last else f"{month_label(first)} to {month_label(last)}"
        )
        return f"{count_of(self.count, 'month')}, {span}"

    @property
    def rows(self):
        """Each month and, where saving changes it, what changes."""
        return [(month_label(line.period), change_words(line)) for line in self.lines]


@dataclass
class KindGroup:
    kind: str
    measures: list = field(default_factory=list)

    @property
    def heading(self):
        return KIND_HEADINGS[self.kind]

    @property
    def count(self):
        return sum(group.count for group in self.measures)


def review_of(plan):
    """The plan's lines as KindGroups (changed, new, unchanged: those with lines),
    each holding a MeasureGroup per measure in title order, months in order."""
    kinds = []
    for kind in (CHANGED, NEW, UNCHANGED):
        lines = sorted(
            plan.of_kind(kind), key=lambda line: (line.measure.title.casefold(), line.period)
        )
        if not lines:
            continue
        group = KindGroup(kind)
        for _pk, measure_lines in groupby(lines, key=lambda line: line.measure.pk):
            measure_lines = list(measure_lines)
            group.measures.append(MeasureGroup(measure_lines[0].measure, measure_lines))
        kinds.append(group)
    return kinds


def summary_of(plan):
    """ "Saving this file adds 12 figures and changes 3; 200 are already recorded." """
    counts = plan.counts
    done = []
    if counts[NEW]:
        done.append(f"adds {count_of(counts[NEW], 'figure')}")
    if counts[CHANGED]:
        done.append(f"changes {count_of(counts[CHANGED], 'figure')}")
    unchanged = counts[UNCHANGED]
    kept = (
        f"{count_of(unchanged, 'figure is', 'figures are')} already recorded as the file gives "
        f"{'it' if unchanged == 1 else 'them'}"
    )
    if not done:
        return f"Saving this file changes nothing: its {kept}."
    text = "Saving this file " + " and ".join(done)
    return f"{text}; {kept}." if unchanged else f"{text}."
