"""A measure's chart: its figure month by month, drawn on the server as SVG.

Across the page lengths are percentages, as the dashboard's charts have them, so
the chart fills its column on a phone and a desk alike while the labels keep the
page's own font at 16px; down the page they are pixels. Lines are drawn as one
segment between each pair of months with figures, so a month without a figure
is a visible break rather than a line drawn through it.

The same figures are in a table under the chart, so the chart is never the only
way to read them; its title and description say what it shows in words.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join

from config.svg import BLACK, BLUE, BROWN, DARK_GREY, FONT_SIZE, LINE_HEIGHT, PURPLE, svg_open

from .figures import format_figure, month_name, plain_number
from .trends import months_before

# Across (per cent of the width): the figures' scale is written in the left-hand
# band, wide enough on a 390px phone for a figure such as "1,250".
PLOT_LEFT = 14
PLOT_RIGHT = 98
# Down (pixels).
PLOT_TOP = 12
PLOT_HEIGHT = 220
AXIS_ROOM = 30  # under the plot, for the years
LEGEND_ROW = 26

TICKS = 5


@dataclass
class Series:
    label: str
    field: str
    colour: str
    width: int
    dashes: str = ""


SERIES = [
    Series("This council", "value", BLUE, 3),
    Series("England", "england", PURPLE, 2, "8 4"),
    Series("Statistical neighbours", "neighbours", BROWN, 2, "2 3"),
]


def nice_ticks(low, high, count=TICKS):
    """Round figures from at or below ``low`` to at or above ``high``, about
    ``count`` of them, a step of 1, 2 or 5 times a power of ten apart."""
    low, high = Decimal(low), Decimal(high)
    if high == low:
        # A flat line still gets a scale around it, not below nothing.
        low, high = (low - 1 if low >= 1 else low), high + 1
    rough = (high - low) / (count - 1)
    power = Decimal(10) ** rough.adjusted()
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= rough)
    first = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    ticks = [first]
    while ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return ticks


class Scale:
    def __init__(self, first_month, last_month, ticks):
        self.first = _index(first_month)
        self.months = max(_index(last_month) - self.first, 1)
        self.low, self.high = ticks[0], ticks[-1]

    def x(self, period):
        share = (_index(period) - self.first) / self.months
        return round(PLOT_LEFT + share * (PLOT_RIGHT - PLOT_LEFT), 2)

    def y(self, figure):
        share = float((Decimal(figure) - self.low) / (self.high - self.low))
        return round(PLOT_TOP + (1 - share) * PLOT_HEIGHT, 1)


def _index(period):
    return period.year * 12 + period.month - 1


SEGMENT = (
    '<line x1="{0}%" y1="{1}" x2="{2}%" y2="{3}" stroke="{4}" stroke-width="{5}"'
    ' stroke-dasharray="{6}"></line>'
)
POINT = '<circle cx="{0}%" cy="{1}" r="3.5" fill="{2}"></circle>'
GRID = (
    '<line x1="{0}%" y1="{1}" x2="{2}%" y2="{1}" stroke="#b1b4b6" stroke-width="1"></line>'
    '<text x="0" y="{3}" class="app-chart__label">{4}</text>'
)
TARGET = (
    '<line x1="{0}%" y1="{1}" x2="{2}%" y2="{1}" stroke="{3}" stroke-width="2"'
    ' stroke-dasharray="10 5"></line>'
)
VISIT = (
    '<line x1="{0}%" y1="{1}" x2="{0}%" y2="{2}" stroke="{3}" stroke-width="2"'
    ' stroke-dasharray="3 3"></line>'
)
MONTH_LABEL = '<text x="{0}%" y="{1}" text-anchor="middle" class="app-chart__label{3}">{2}</text>'
LEGEND = (
    '<line x1="0" y1="{0}" x2="32" y2="{0}" stroke="{1}" stroke-width="{2}"'
    ' stroke-dasharray="{3}"></line>'
    '<text x="42" y="{4}" class="app-chart__label">{5}</text>'
)


def _segments(values, series, scale):
    """Lines between consecutive months that both have this series' figure."""
    pairs = []
    for before, after in zip(values, values[1:], strict=False):
        one, two = getattr(before, series.field), getattr(after, series.field)
        if one is None or two is None or months_before(after.period, 1) != before.period:
            continue
        pairs.append(
            (
                scale.x(before.period),
                scale.y(one),
                scale.x(after.period),
                scale.y(two),
                series.colour,
                series.width,
                series.dashes or "none",
            )
        )
    return format_html_join("", SEGMENT, pairs)


def _month_labels(first, last, scale):
    """Each January by its year; in a chart of three years or fewer each July
    too, left out on a phone so the labels do not run together."""
    short = _index(last) - _index(first) <= 36
    y = PLOT_TOP + PLOT_HEIGHT + LINE_HEIGHT + 2
    labels = []
    period = first
    while period <= last:
        if period.month == 1 or period == first:
            labels.append((scale.x(period), y, str(period.year), ""))
        elif short and period.month == 7:
            labels.append((scale.x(period), y, "Jul", " app-chart__month--alternate"))
        period = months_before(period, -1)
    if len(labels) > 1 and first.month >= 11:
        labels.pop(0)  # the first year's label would run into the next January's
    return format_html_join("", MONTH_LABEL, labels)


def describe(measure, values, visits):
    unit = measure.unit
    first, last = values[0], values[-1]
    lowest = min(values, key=lambda value: value.value)
    highest = max(values, key=lambda value: value.value)
    sentences = [
        f"{measure.title}, month by month from {month_name(first.period)} to "
        f"{month_name(last.period)}.",
        f"Latest: {format_figure(last.value, unit)} in {month_name(last.period)}.",
        f"Lowest {format_figure(lowest.value, unit)} in {month_name(lowest.period)}, "
        f"highest {format_figure(highest.value, unit)} in {month_name(highest.period)}.",
    ]
    if measure.target is not None:
        sentences.append(f"Target: {format_figure(measure.target, unit)}.")
    comparators = [
        f"{series.label} {format_figure(getattr(last, series.field), unit)}"
        for series in SERIES[1:]
        if getattr(last, series.field) is not None
    ]
    if comparators:
        sentences.append(f"In {month_name(last.period)}: {' and '.join(comparators)}.")
    if visits:
        sentences.append(
            "Ofsted visits marked: " + "; ".join(visit.date_range for visit in visits) + "."
        )
    return " ".join(sentences)


def visits_within(visits, values):
    """The visits that began in a month the figures cover: those the chart marks."""
    if not values:
        return []
    first, last = values[0].period, values[-1].period
    return [visit for visit in visits if first <= visit.start_date.replace(day=1) <= last]


def measure_chart(measure, values, visits=()):
    """The chart of ``values`` (a measure's ``MeasureValue``s, oldest first), with
    the measure's target and the Ofsted ``visits`` inside its months marked.

    Returns None when there are no figures to draw."""
    if not values:
        return None
    first, last = values[0].period, values[-1].period
    visits = visits_within(visits, values)
    figures = [
        getattr(value, series.field)
        for value in values
        for series in SERIES
        if getattr(value, series.field) is not None
    ]
    if measure.target is not None:
        figures.append(measure.target)
    ticks = nice_ticks(min(figures), max(figures))
    scale = Scale(first, last, ticks)
    bottom = PLOT_TOP + PLOT_HEIGHT

    grid = format_html_join(
        "",
        GRID,
        (
            (
                PLOT_LEFT,
                scale.y(tick),
                PLOT_RIGHT,
                scale.y(tick) + FONT_SIZE // 3,
                plain_number(tick),
            )
            for tick in ticks
        ),
    )
    marks = format_html_join(
        "",
        VISIT,
        (
            (scale.x(visit.start_date.replace(day=1)), PLOT_TOP, bottom, DARK_GREY)
            for visit in visits
        ),
    )
    target = (
        format_html(TARGET, PLOT_LEFT, scale.y(measure.target), PLOT_RIGHT, BLACK)
        if measure.target is not None
        else ""
    )
    drawn = [
        series for series in SERIES if any(getattr(v, series.field) is not None for v in values)
    ]
    lines = format_html_join("", "{}", ((_segments(values, series, scale),) for series in drawn))
    points = format_html_join(
        "", POINT, ((scale.x(v.period), scale.y(v.value), BLUE) for v in values)
    )

    legend_items = [(s.colour, s.width, s.dashes or "none", s.label) for s in drawn]
    if measure.target is not None:
        legend_items.append((BLACK, 2, "10 5", "Target"))
    if visits:
        legend_items.append((DARK_GREY, 2, "3 3", "Month of an Ofsted visit"))
    legend_top = bottom + AXIS_ROOM + LINE_HEIGHT
    legend = format_html_join(
        "",
        LEGEND,
        (
            (
                legend_top + index * LEGEND_ROW - FONT_SIZE // 3,
                colour,
                width,
                dashes,
                legend_top + index * LEGEND_ROW,
                label,
            )
            for index, (colour, width, dashes, label) in enumerate(legend_items)
        ),
    )
    height = legend_top + (len(legend_items) - 1) * LEGEND_ROW + 8
    chart_id = f"measure-chart-{measure.pk}"
    opening = svg_open(
        chart_id, height, f"Chart of {measure.title}", describe(measure, values, visits)
    )
    return format_html(
        "{}{}{}{}{}{}{}{}</svg>",
        opening,
        grid,
        marks,
        target,
        lines,
        points,
        _month_labels(first, last, scale),
        legend,
    )
