"""The dashboard's charts: full labels, wrapped onto lines, and geometry that follows
the width of the column so the text keeps the page's size on any screen."""

import re
from dataclasses import dataclass, field
from datetime import date

from progress import charts

LONG_AREA = "Responding to long-standing neglect and using pre-proceedings"


@dataclass
class Row:
    label: str
    count: int
    params: dict = field(default_factory=dict)


@dataclass
class Month:
    first_day: date
    completed: Row
    due: Row

    @property
    def label(self):
        return f"{self.first_day:%B %Y}"


def label_lines(svg):
    return re.findall(r'<text x="0" y="\d+" class="app-chart__label">([^<]*)</text>', svg)


def test_a_long_area_name_is_written_in_full_over_several_lines():
    chart = charts.bar_chart("chart-area", "Overdue actions by area", [Row(LONG_AREA, 3)])
    lines = label_lines(chart["svg"])
    assert len(lines) > 1
    assert " ".join(lines) == LONG_AREA
    assert all(len(line) <= charts.LABEL_CHARACTERS for line in lines)
    assert "…" not in chart["svg"]


def test_each_row_starts_below_the_last_lines_of_the_one_before():
    chart = charts.bar_chart("c", "t", [Row(LONG_AREA, 3), Row("Front door", 1)])
    first, second = chart["bars"]
    assert second.top >= first.bar_y + charts.BAR_HEIGHT
    assert chart["height"] >= second.bar_y + charts.BAR_HEIGHT


def test_bars_are_measured_in_per_cent_of_the_column_not_scaled_by_a_view_box():
    chart = charts.bar_chart("c", "t", [Row("Red", 4), Row("Green", 2)])
    svg = chart["svg"]
    assert "viewBox" not in svg
    assert 'width="100%"' in svg
    widths = re.findall(r'<rect x="0" y="\d+" width="([\d.]+)%"', svg)
    assert [float(w) for w in widths] == [charts.LONGEST_BAR, charts.LONGEST_BAR / 2]


def test_the_month_chart_spreads_twelve_months_across_the_width():
    months = [
        Month(date(2026, m, 1), Row("Completed", m % 3), Row("Due", m % 4)) for m in range(1, 13)
    ]
    svg = charts.month_chart("m", "Completed and due", months)["svg"]
    assert "viewBox" not in svg
    names = re.findall(r'class="app-chart__label app-chart__month[^"]*">(\w+)<', svg)
    assert names == [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ]
    xs = [float(x) for x in re.findall(r'<rect x="([\d.]+)%"', svg)]
    assert max(xs) < 100
    # Every second name gives way on a phone (static/scss/app.scss).
    assert svg.count("app-chart__month--alternate") == 6


def test_a_chart_with_nothing_to_show_says_none():
    svg = charts.bar_chart("c", "Overdue actions by owner", [])["svg"]
    assert ">None</text>" in svg
