"""Bar charts drawn on the server as SVG, geometry and markup both here.

The markup is written with ``format_html`` rather than a template: a chart has
a dozen numbers per bar and the dashboard shows over sixty bars, and rendering
those through template variables was the largest part of drawing the page.

No JavaScript and no chart library: the page works without scripts, and every
chart sits beside a table of the same numbers, so a chart is never the only way
to read a figure. Each SVG carries role="img" with a title and a description
that reads out the numbers for screen readers.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

WIDTH = 600
LABEL_WIDTH = 220
VALUE_GAP = 48  # room to the right of the longest bar for its number
BAR_HEIGHT = 22
BAR_GAP = 10

# GOV.UK Design System colours; RAG bars in their own colours.
BAR_COLOUR = "#1d70b8"
SECOND_COLOUR = "#f47738"
RAG_COLOURS = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c", "none": "#505a5f"}


@dataclass
class Bar:
    label: str
    value: int
    y: int
    width: int
    colour: str

    @property
    def text_y(self):
        return self.y + BAR_HEIGHT // 2 + 5

    @property
    def value_x(self):
        return LABEL_WIDTH + self.width + 6


def _scale(values, room):
    top = max(values, default=0)
    return (lambda value: 0) if top == 0 else (lambda value: round(value * room / top))


def description(rows):
    return "; ".join(f"{row.label}: {row.count}" for row in rows) + "."


def bar_chart(chart_id, title, rows, colours=None):
    """A horizontal bar chart of ``rows`` (anything with ``label`` and ``count``).

    ``colours`` maps a row's ``params`` value (such as a RAG) to a colour.
    """
    scale = _scale([row.count for row in rows], WIDTH - LABEL_WIDTH - VALUE_GAP)
    bars = []
    for index, row in enumerate(rows):
        key = next(iter(row.params.values()), None) if colours else None
        bars.append(
            Bar(
                label=row.label,
                value=row.count,
                y=index * (BAR_HEIGHT + BAR_GAP),
                width=scale(row.count),
                colour=(colours or {}).get(key, BAR_COLOUR),
            )
        )
    chart = {
        "id": chart_id,
        "title": title,
        "description": description(rows),
        "bars": bars,
        "width": WIDTH,
        "height": max(len(rows) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT),
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }
    chart["svg"] = _bar_chart_svg(chart)
    return chart


# The table beside each chart carries the same numbers and the links.
SVG_OPEN = (
    '<svg class="app-chart" role="img" aria-labelledby="{0}-title {0}-desc" '
    'viewBox="0 0 {1} {2}" width="100%" preserveAspectRatio="xMinYMin meet" focusable="false">'
    '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>'
)
BAR = (
    '<text x="{0}" y="{1}" text-anchor="end" class="app-chart__label">{2}</text>'
    '<rect x="{3}" y="{4}" width="{5}" height="{6}" fill="{7}"></rect>'
    '<text x="{8}" y="{1}" class="app-chart__value">{9}</text>'
)
NO_BARS = '<text x="{}" y="{}" class="app-chart__label">{}</text>'


def _svg_open(chart):
    return format_html(
        SVG_OPEN,
        chart["id"],
        chart["width"],
        chart["height"],
        chart["title"],
        chart["description"],
    )


def _bar_chart_svg(chart):
    bars = format_html_join(
        "",
        BAR,
        (
            (
                LABEL_WIDTH - 8,
                bar.text_y,
                Truncator(bar.label).chars(30),
                LABEL_WIDTH,
                bar.y,
                bar.width,
                BAR_HEIGHT,
                bar.colour,
                bar.value_x,
                bar.value,
            )
            for bar in chart["bars"]
        ),
    )
    return format_html("{}{}</svg>", _svg_open(chart), bars or format_html(NO_BARS, 0, 16, "None"))


MONTH_CHART_HEIGHT = 220
MONTH_AXIS = 40  # room under the bars for the month names and the legend
MONTH_TOP = 20  # room above the tallest bar for its number


@dataclass
class MonthBars:
    label: str
    x: int
    completed_height: int
    due_height: int
    completed: int
    due: int
    bar_width: int

    @property
    def base(self):
        return MONTH_CHART_HEIGHT - MONTH_AXIS

    @property
    def completed_y(self):
        return self.base - self.completed_height

    @property
    def due_x(self):
        return self.x + self.bar_width

    @property
    def due_y(self):
        return self.base - self.due_height

    @property
    def centre(self):
        return self.x + self.bar_width


def month_chart(chart_id, title, months):
    """Completed against due, month by month: two bars a month, side by side."""
    room = MONTH_CHART_HEIGHT - MONTH_AXIS - MONTH_TOP
    scale = _scale([m.completed.count for m in months] + [m.due.count for m in months], room)
    slot = WIDTH // max(len(months), 1)
    bar_width = max(slot // 3, 4)
    groups = [
        MonthBars(
            label=month.first_day.strftime("%b"),
            x=index * slot + (slot - 2 * bar_width) // 2,
            completed_height=scale(month.completed.count),
            due_height=scale(month.due.count),
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
        "width": WIDTH,
        "height": MONTH_CHART_HEIGHT,
        "base": MONTH_CHART_HEIGHT - MONTH_AXIS,
        "label_y": MONTH_CHART_HEIGHT - MONTH_AXIS + 16,
        "legend_y": MONTH_CHART_HEIGHT - 8,
        "completed_colour": BAR_COLOUR,
        "due_colour": SECOND_COLOUR,
    }
    chart["svg"] = _month_chart_svg(chart)
    return chart


MONTH = (
    '<rect x="{0}" y="{1}" width="{2}" height="{3}" fill="{4}"></rect>'
    '<rect x="{5}" y="{6}" width="{2}" height="{7}" fill="{8}"></rect>'
    '<text x="{9}" y="{10}" text-anchor="middle" class="app-chart__label">{11}</text>'
)
MONTH_LEGEND = (
    '<rect x="0" y="{0}" width="12" height="12" fill="{1}"></rect>'
    '<text x="18" y="{2}" class="app-chart__label">Completed</text>'
    '<rect x="120" y="{0}" width="12" height="12" fill="{3}"></rect>'
    '<text x="138" y="{2}" class="app-chart__label">Due</text>'
)


def _month_chart_svg(chart):
    axis = format_html(
        '<line x1="0" y1="{0}" x2="{1}" y2="{0}" stroke="#0b0c0c"></line>',
        chart["base"],
        chart["width"],
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
            )
            for group in chart["groups"]
        ),
    )
    legend = format_html(
        MONTH_LEGEND,
        chart["legend_y"] - 10,
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
