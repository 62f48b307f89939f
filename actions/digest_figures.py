"""The part of a reminder digest that asks a measure's owner for a month's
figure not yet entered: "No figure yet for Average social worker caseload for
November 2026", with a link to where it is entered.

``actions.reminders`` decides which measures a digest lists and for which month
(``figures_month``); this module reads them back when the digest is sent and
writes their lines. A measure whose figure was entered since the digest was
written is left out, as an action completed since is.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from measures.entry_forms import month_key
from measures.figures import month_name
from measures.models import Measure


def measures_missing_in(digests):
    """For each month the given ledger rows ask figures for, the measures they
    list that still have no figure for it, by primary key.

    One query a month asked about (a day's digests all ask about the same one),
    none when no digest lists a measure."""
    wanted = {}
    for digest in digests:
        if digest.missing_figures and digest.figures_month:
            wanted.setdefault(digest.figures_month, set()).update(digest.missing_figures)
    return {
        month: {
            measure.pk: measure
            for measure in Measure.objects.filter(pk__in=pks)
            .exclude(values__period=month)
            .only("title")
        }
        for month, pks in wanted.items()
    }


def figures_link(month):
    """The absolute link to the page where the month's figures are entered, open
    at that month: the owner sees there the measures they supply."""
    path = reverse("measures:figures_entry")
    return f"{settings.SITE_URL.rstrip('/')}{path}?month={month_key(month)}"


@dataclass
class FigureItem:
    measure: Measure
    link: str


@dataclass
class FiguresSection:
    """The measures without the month's figure, in the digest's shape (``key``,
    ``heading``, ``items``, ``text``, ``html``), as ``digest_email.Section`` is."""

    month: object
    items: list
    key: str = "figures"

    @property
    def month_words(self):
        return month_name(self.month)

    @property
    def heading(self):
        n = len(self.items)
        has = "has" if n == 1 else "have"
        return f"{n} of your measures {has} no figure yet for {self.month_words}"

    def line(self, item):
        return f"No figure yet for {item.measure.title} for {self.month_words}"

    @property
    def text(self):
        return "".join(f"\n- {self.line(item)}\n  Enter it: {item.link}\n" for item in self.items)

    @property
    def html(self):
        cell = 'style="padding: 8px 0; border-bottom: 1px solid #b1b4b6;"'
        rows = [
            f"<tr><td {cell}>{escape(self.line(item))}<br>"
            f'<a href="{escape(item.link)}" style="color: #1d70b8;">'
            f"Enter the figure for {escape(item.measure.title)}</a></td></tr>\n"
            for item in self.items
        ]
        # Safe: built above from escaped values only.
        return mark_safe("".join(rows))  # noqa: S308  # nosec B308 B703


def figures_section(digest, figures=None):
    """The digest's figures part, or None when it asks for none (any more).

    ``figures`` is what ``measures_missing_in`` read for a batch; read here when
    not given."""
    if not digest.missing_figures or digest.figures_month is None:
        return None
    if figures is None:
        figures = measures_missing_in([digest])
    missing = figures.get(digest.figures_month, {})
    link = figures_link(digest.figures_month)
    items = [FigureItem(missing[pk], link) for pk in digest.missing_figures if pk in missing]
    return FiguresSection(digest.figures_month, items) if items else None
