"""A measure's figures in words, as every page and download writes them:
"84%", "17.5 days", "412.3 per 10,000", "1,250"."""

from decimal import Decimal

from config.dates import MONTHS

from .models import Unit


def plain_number(figure):
    """Thousands separated, and no trailing zeros: figures are kept to two decimal
    places, but 84.00 is written 84 and 17.50 is written 17.5."""
    text = f"{Decimal(figure):,.2f}"
    return text.rstrip("0").rstrip(".")


def format_figure(figure, unit):
    """A figure with its unit, or an empty string when there is none."""
    if figure is None:
        return ""
    number = plain_number(figure)
    if unit == Unit.PERCENTAGE:
        return f"{number}%"
    if unit == Unit.DAYS:
        return f"{number} day" if Decimal(figure) == 1 else f"{number} days"
    if unit == Unit.RATE_PER_10000:
        return f"{number} per 10,000"
    return number


def month_name(period):
    """ "December 2026": a measure's month, as GOV.UK writes a month."""
    return f"{MONTHS[period.month - 1]} {period.year}"


# The demonstration's measures carry this as their source, and every page that
# shows their figures says so (templates/measures/_illustrative.html): the
# published documents the demonstration is built from give no monthly figures.
ILLUSTRATIVE_SOURCE = "Illustrative figures for the demonstration, not the council's own"


def is_illustrative(measure):
    return measure.source == ILLUSTRATIVE_SOURCE


def any_illustrative(measures):
    return any(is_illustrative(measure) for measure in measures)
