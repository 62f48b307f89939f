"""An area of concern's measures on its pages, the officers' (/areas/<pk>/) and the
councillors' (/progress/areas/<pk>/): each with its latest figure and month,
target, RAG, which way is better and has it moved, and a small trend, linking
to the measure; councillors see the shared ones only, and in as many queries
for many measures as for a few."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.figures import ILLUSTRATIVE_SOURCE
from measures.models import Unit
from measures.trends import months_before
from tests import factories

pytestmark = pytest.mark.django_db

ILLUSTRATIVE = "These are illustrative figures for the demonstration, not the council's own."


def last_month():
    return months_before(datetime.date.today().replace(day=1), 1)


def with_figures(figures, **fields):
    """A measure whose monthly ``figures``, oldest first, end last month."""
    measure = factories.MeasureFactory(**fields)
    end = last_month()
    for back, figure in enumerate(reversed(figures)):
        factories.MeasureValueFactory(
            measure=measure, period=months_before(end, back), value=Decimal(str(figure))
        )
    return measure


def pages(area):
    return (area.get_absolute_url(), f"/progress/areas/{area.pk}/")


def panel_of(response):
    """The measures panel's text, tags stripped, or None when the page has none."""
    html = response.content.decode()
    found = re.search(r'<section aria-labelledby="measures">(.*?)</section>', html, re.S)
    if not found:
        return None
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", found.group(1))))


@pytest.fixture
def area():
    return factories.AreaOfConcernFactory(title="Children seen alone")


@pytest.mark.parametrize("page", [0, 1], ids=["area page", "councillors' area page"])
def test_it_shows_each_measures_latest_figure_target_rag_direction_and_trend(team, area, page):
    measure = with_figures([85, 82], title="Seen alone at assessment", areas=[area])
    with_figures(
        [20, 17],
        title="Average caseload",
        unit=Unit.NUMBER,
        higher_is_better=False,
        target=Decimal("18"),
        areas=[area],
    )

    response = team.get(pages(area)[page])

    assert response.status_code == 200
    panel = panel_of(response)
    month, before = last_month(), months_before(last_month(), 1)
    assert (
        f"Seen alone at assessment Higher is better 82% {month:%B %Y} 90% Red "
        f"Worse than {before:%B %Y}"
    ) in panel
    assert f"Average caseload Lower is better 17 {month:%B %Y} 18 Green Better than" in panel
    html = response.content.decode()
    assert f'href="/measures/{measure.pk}/"' in html
    assert html.count('class="app-sparkline"') == 2
    assert f"Trend from 85% in {before:%B %Y} to 82% in {month:%B %Y}" in html


def test_the_measures_are_in_title_order(team, area):
    for title in ("Re-referrals", "Audits good or better", "Care leavers in touch"):
        with_figures([80], title=title, areas=[area])
    for url in pages(area):
        panel = panel_of(team.get(url))
        places = [panel.index(t) for t in ("Audits", "Care leavers", "Re-referrals")]
        assert places == sorted(places)


def test_it_shows_only_the_areas_own_measures(team, area):
    with_figures([80], title="This area's figure", areas=[area])
    with_figures([80], title="Another area's figure", areas=[factories.AreaOfConcernFactory()])
    for url in pages(area):
        panel = panel_of(team.get(url))
        assert "This area's figure" in panel and "Another area's figure" not in panel


def test_a_measure_without_figures_or_target_says_so(team, area):
    factories.MeasureFactory(title="Care leavers in touch", target=None, areas=[area])
    panel = panel_of(team.get(area.get_absolute_url()))
    assert "Care leavers in touch Higher is better No figures yet No target No rating" in panel


def test_a_measure_off_target_for_months_says_for_how_long(team, area):
    with_figures([70, 71, 72, 73], areas=[area])
    assert "Off target 4 months running" in panel_of(team.get(area.get_absolute_url()))


@pytest.mark.parametrize("page", [0, 1], ids=["area page", "councillors' area page"])
def test_a_councillor_sees_only_the_shared_measures(councillor, area, page):
    with_figures([80], title="Shared figure", areas=[area])
    with_figures([80], title="Internal figure", areas=[area], shareable_with_scrutiny=False)

    response = councillor.get(pages(area)[page])

    assert response.status_code == 200
    html = response.content.decode()
    assert "Shared figure" in panel_of(response) and "Internal figure" not in html


def test_there_is_no_panel_when_the_area_has_no_measures(team, councillor, area):
    with_figures([80], title="Internal figure", areas=[area], shareable_with_scrutiny=False)
    other = factories.AreaOfConcernFactory()
    for url in pages(other):
        assert panel_of(team.get(url)) is None
    # A councillor's page has none either when none of the area's measures is shared.
    assert panel_of(councillor.get(f"/progress/areas/{area.pk}/")) is None


def test_illustrative_figures_are_labelled_and_real_ones_are_not(team, area):
    with_figures([80], areas=[area], source="Monthly performance report")
    for url in pages(area):
        assert ILLUSTRATIVE not in team.get(url).content.decode()
    with_figures([80], areas=[area], source=ILLUSTRATIVE_SOURCE)
    for url in pages(area):
        assert ILLUSTRATIVE in panel_of(team.get(url))


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", [0, 1], ids=["area page", "councillors' area page"])
def test_more_measures_and_months_add_no_queries(team, area, page):
    with_figures([80, 81], areas=[area])
    url = pages(area)[page]
    team.get(url)  # the first request fills per-process caches
    few = _queries(team, url)
    for count in range(6):
        with_figures(
            [70 + month % 9 for month in range(30)],
            areas=[area],
            shareable_with_scrutiny=count % 2 == 0,
        )
    assert _queries(team, url) == few
