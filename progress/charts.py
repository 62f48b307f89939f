"""Bar charts drawn on the server as SVG, geometry and markup both here.

The markup is written with ``format_html`` rather than a template: a chart has
a dozen numbers per bar and the dashboard shows over sixty bars, and rendering
those through template variables was the largest part of drawing the page.

No JavaScript and no chart library: the page works without scripts, and every
chart sits beside a table of the same numbers, so a chart is never the only way
to read a figure. Each SVG carries role="img" with a title and a description
that reads out the numbers for screen readers.
"""

import textwrap
from dataclasses import dataclass
from functools import cached_property

from django.utils.html import format_html, format_html_join

from config.svg import BLUE, FONT_SIZE, LINE_HEIGHT, ORANGE, RAG_COLOURS, svg_open

# The charts fill the width of their column, whatever it is: across the page are
# percentages, so that the labels keep the page's own font size (16px, as the
# tables beside them) rather than shrinking with the drawing on a phone.
# Down the page, lengths are in pixels.
BAR_HEIGHT = 22
BAR_GAP = 14
# The longest bar leaves room for its number after it.
LONGEST_BAR = 85  # per cent of the width
VALUE_GAP = 6  # pixels between a bar and its number
# A label is written in full, wrapped onto as many lines as it needs: about as
# many characters as fit on a line of the narrowest column the chart is in.
LABEL_CHARACTERS = 32

# GOV.UK Design System colours (config/svg.py); RAG bars in their own colours.
BAR_COLOUR = BLUE
SECOND_COLOUR = ORANGE


@dataclass
class Bar:
    """One row of a bar chart: its label's lines above, then the bar and its number."""

    label: str
    value: int
    top: int  # pixels from the top of the chart to the row's first label line
    percent: float  # the bar's length, as a share of the chart's width
    colour: str

    # Wrapped once: the bar's place below its label, its number's and the next
    # row's all follow from how many lines the label takes.
    @cached_property
    def lines(self):
        return textwrap.wrap(
            self.label, LABEL_CHARACTERS, break_on_hyphens=False, break_long_words=False
        ) or [""]

    @property
    def bar_y(self):
        return self.top + len(self.lines) * LINE_HEIGHT + 4

    @property
    def value_y(self):
        return self.bar_y + BAR_HEIGHT // 2 + FONT_SIZE // 3

    @property
    def bottom(self):
        return self.bar_y + BAR_HEIGHT + BAR_GAP


def _scale(values, room):
    top = max(values, default=0)
    return (lambda value: 0) if top == 0 else (lambda value: value * room / top)


def description(rows):
    return "; ".join(f"{row.label}: {row.count}" for row in rows) + "."


def bar_chart(chart_id, title, rows, colours=None):
    """A horizontal bar chart of ``rows`` (anything with ``label`` and ``count``).

    ``colours`` maps a row's ``params`` value (such as a RAG) to a colour.
    """
    scale = _scale([row.count for row in rows], LONGEST_BAR)
    bars, top = [], 0
    for row in rows:
        key = next(iter(row.params.values()), None) if colours else None
        bar = Bar(
            label=row.label,
            value=row.count,
            top=top,
            percent=round(scale(row.count), 2),
            colour=(colours or {}).get(key, BAR_COLOUR),
        )
        bars.append(bar)
        top = bar.bottom
    chart = {
        "id": chart_id,
        "title": title,
        "description": description(rows),
        "bars": bars,
        "height": max(top - BAR_GAP, LINE_HEIGHT),
    }
    chart["svg"] = _bar_chart_svg(chart)
    return chart


# The table beside each chart carries the same numbers and the links.
LABEL_LINE = '<text x="0" y="{0}" class="app-chart__label">{1}</text>'
BAR = (
    '<rect x="0" y="{0}" width="{1}%" height="{2}" fill="{3}"></rect>'
    '<text x="{1}%" dx="{4}" y="{5}" class="app-chart__value">{6}</text>'
)
NO_BARS = '<text x="0" y="{}" class="app-chart__label">{}</text>'


def _svg_open(chart):
    return svg_open(chart["id"], chart["height"], chart["title"], chart["description"])


def _label_lines(bar):
    return format_html_join(
        "",
        LABEL_LINE,
        ((bar.top + (index + 1) * LINE_HEIGHT - 4, line) for index, line in enumerate(bar.lines)),
    )


def _bar_chart_svg(chart):
    rows = format_html_join(
        "",
        "{}{}",
        (
            (
                _label_lines(bar),
                format_html(
                    BAR,
                    bar.bar_y,
                    bar.percent,
                    BAR_HEIGHT,
                    bar.colour,
                    VALUE_GAP,
                    bar.value_y,
                    bar.value,
                ),
            )
            for bar in chart["bars"]
        ),
    )
    return format_html(
        "{}{}</svg>", _svg_open(chart), rows or format_html(NO_BARS, FONT_SIZE, "None")
    )


MONTH_CHART_HEIGHT = 230
MONTH_AXIS = 50  # room under the bars for the month names and the legend
MONTH_TOP = 10  # room above the tallest bar


@dataclass
class MonthBars:
    """One month's two bars, side by side; across the page in per cent."""

    label: str
    x: float
    completed_height: int
    due_height: int
    completed: int
    due: int
    bar_width: float

    @property
    def base(self):
        return MONTH_CHART_HEIGHT - MONTH_AXIS

    @property
    def completed_y(self):
        return self.base - self.completed_height

    @property
    def due_x(self):
        return round(self.x + self.bar_width, 2)

    @property
    def due_y(self):
        return self.base - self.due_height

    @property
    def centre(self):
        return round(self.x + self.bar_width, 2)


def month_chart(chart_id, title, months):
    """Completed against due, month by month: two bars a month, side by side."""
    room = MONTH_CHART_HEIGHT - MONTH_AXIS - MONTH_TOP
    scale = _scale([m.completed.count for m in months] + [m.due.count for m in months], room)
    slot = 100 / max(len(months), 1)
    bar_width = round(slot / 3, 2)
    groups = [
        MonthBars(
            # The month's short name under its bars; the table beside names it in full.
            label=month.first_day.strftime("%b"),
            x=round(index * slot + slot / 6, 2),
            completed_height=round(scale(month.completed.count)),
            due_height=round(scale(month.due.count)),
            completed=month.completed.count,
            due=month.due.count,
            bar_width=bar_width,
        )
        for index, month in enumerate(months)
    ]
    summary = "; ".join(
        f"{month.label}: {month.completed.count} completed, {month.due.count} due"
        for month in months
    )
    chart = {
        "id": chart_id,
        "title": title,
        "description": f"{summary}.",
        "groups": groups,
        "height": MONTH_CHART_HEIGHT,
        "base": MONTH_CHART_HEIGHT - MONTH_AXIS,
        "label_y": MONTH_CHART_HEIGHT - MONTH_AXIS + LINE_HEIGHT,
        "legend_y": MONTH_CHART_HEIGHT - 6,
        "completed_colour": BAR_COLOUR,
        "due_colour": SECOND_COLOUR,
    }
    chart["svg"] = _month_chart_svg(chart)
    return chart


MONTH = (
    '<rect x="{0}%" y="{1}" width="{2}%" height="{3}" fill="{4}"></rect>'
    '<rect x="{5}%" y="{6}" width="{2}%" height="{7}" fill="{8}"></rect>'
    '<text x="{9}%" y="{10}" text-anchor="middle" class="app-chart__label app-chart__month'
    '{12}">{11}</text>'
)
MONTH_LEGEND = (
    '<rect x="0" y="{0}" width="14" height="14" fill="{1}"></rect>'
    '<text x="20" y="{2}" class="app-chart__label">Completed</text>'
    '<rect x="120" y="{0}" width="14" height="14" fill="{3}"></rect>'
    '<text x="140" y="{2}" class="app-chart__label">Due</text>'
)


def _month_chart_svg(chart):
    axis = format_html(
        '<line x1="0" y1="{0}" x2="100%" y2="{0}" stroke="#0b0c0c"></line>', chart["base"]
    )
    groups = format_html_join(
        "",
        MONTH,
        (
            (
                group.x,
                group.completed_y,
                group.bar_width,
                group.completed_height,
                chart["completed_colour"],
                group.due_x,
                group.due_y,
                group.due_height,
                chart["due_colour"],
                group.centre,
                chart["label_y"],
                group.label,
                # On a phone every second month is named, so the names do not run together.
                " app-chart__month--alternate" if index % 2 else "",
            )
            for index, group in enumerate(chart["groups"])
        ),
    )
    legend = format_html(
        MONTH_LEGEND,
        chart["legend_y"] - 12,
        chart["completed_colour"],
        chart["legend_y"],
        chart["due_colour"],
    )
    return format_html("{}{}{}{}</svg>", _svg_open(chart), axis, groups, legend)


def for_dashboard(figures):
    """The dashboard's five charts, from its figures (``progress.dashboard``)."""
    return {
        "status": bar_chart("chart-status", "Actions by status", figures["by_status"]),
        "rag": bar_chart("chart-rag", "Actions by RAG rating", figures["by_rag"], RAG_COLOURS),
        "owner": bar_chart("chart-owner", "Overdue actions by owner", figures["overdue_by_owner"]),
        "area": bar_chart(
            "chart-area", "Overdue actions by area of concern", figures["overdue_by_area"]
        ),
        "months": month_chart(
            "chart-months", "Actions completed and due each month", figures["months"]
        ),
    }
