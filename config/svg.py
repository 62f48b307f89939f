"""What every chart the service draws as SVG shares, whichever layer draws it:
the text size its labels are laid out for, the GOV.UK colours, and the opening
of an SVG that screen readers read as one image with a title and a description.

The labels take the page's own font through the ``app-chart__label`` class
(static/scss/app.scss): SVG text does not inherit it from the page."""

from django.utils.html import format_html

FONT_SIZE = 16
LINE_HEIGHT = 20

# GOV.UK Design System colours.
BLUE = "#1d70b8"
ORANGE = "#f47738"
BLACK = "#0b0c0c"
DARK_GREY = "#505a5f"
PURPLE = "#4c2c92"
BROWN = "#b35c00"
RAG_COLOURS = {"red": "#d4351c", "amber": ORANGE, "green": "#00703c", "none": DARK_GREY}

SVG_OPEN = (
    '<svg class="app-chart" role="img" aria-labelledby="{0}-title {0}-desc" '
    'width="100%" height="{1}" focusable="false">'
    '<title id="{0}-title">{2}</title><desc id="{0}-desc">{3}</desc>'
)


def svg_open(chart_id, height, title, description):
    return format_html(SVG_OPEN, chart_id, height, title, description)
