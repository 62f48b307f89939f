"""Bar charts drawn on the server as SVG: geometry here, markup in
templates/progress/_bar_chart.html and _month_chart.html.

No JavaScript and no chart library: the page works without scripts, and every
chart sits beside a table of the same numbers, so a chart is never the only way
to read a figure. Each SVG carries role="img" with a title and a description
that reads out the numbers for screen readers.
"""

from dataclasses import dataclass

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
    return {
        "id": chart_id,
        "title": title,
        "description": description(rows),
        "bars": bars,
        "width": WIDTH,
        "height": max(len(rows) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT),
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


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
    return {
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
