"""An action's measures since it started, on its page and on its sign-off page: each
measure's first figure from the month it started, its latest, which way it has
moved, its target and a small trend of the months between, so that a leader signs
off impact against the figures; and plain words when it names no measures."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.impact_measures import started_on
from actions.models import Impact, Status
from measures.figures import ILLUSTRATIVE_SOURCE
from measures.models import Unit
from measures.trends import months_before

from .. import factories

pytestmark = pytest.mark.django_db

THIS_MONTH = datetime.date.today().replace(day=1)


def month(back):
    return months_before(THIS_MONTH, back)


def with_figures(figures, **fields):
    """A measure whose monthly ``figures``, oldest first, end last month."""
    measure = factories.MeasureFactory(**fields)
    for back, figure in enumerate(reversed(figures), start=1):
        factories.MeasureValueFactory(
            measure=measure, period=month(back), value=Decimal(str(figure))
        )
    return measure


def ready(**fields):
    """An action a senior leader may sign off, started six months ago."""
    fields.setdefault("start_date", month(6) + datetime.timedelta(days=9))
    return factories.ImprovementActionFactory(
        status=Status.COMPLETED,
        completed_on=timezone.localdate(),
        impact=Impact.EVIDENCED,
        **fields,
    )


def pages(action):
    return (
        reverse("actions:action_detail", args=[action.pk]),
        reverse("actions:action_sign_off", args=[action.pk]),
    )


def panel_of(response):
    """The words from the panel's heading to the next heading or the form."""
    html = response.content.decode()
    start = html.index('id="measures"')
    end = min(
        (at for at in (html.find("<h2", start), html.find("<form", start)) if at != -1),
        default=len(html),
    )
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html[start:end])))


@pytest.fixture
def leader(client, senior_leader):
    client.force_login(senior_leader)
    return client


@pytest.mark.parametrize("page", [0, 1], ids=["action page", "sign-off page"])
def test_it_shows_each_measure_from_the_month_the_action_started(leader, page):
    # Ten months of figures; the action started six months ago, so the four
    # before it are left out.
    measure = with_figures([60, 61, 62, 63, 70, 72, 75, 79, 84, 88], title="Seen alone")
    action = ready()
    action.measures.add(measure)

    response = leader.get(pages(action)[page])

    assert response.status_code == 200
    panel = panel_of(response)
    started, latest = month(6), month(1)
    assert f"It started on {action.start_date.day} {action.start_date:%B %Y}" in panel
    assert (
        f"Seen alone Higher is better 70% {started:%B %Y} 88% {latest:%B %Y} "
        f"Better than {started:%B %Y} 90% Amber"
    ) in panel
    html = response.content.decode()
    assert f'href="/measures/{measure.pk}/"' in html
    assert f"Trend from 70% in {started:%B %Y} to 88% in {latest:%B %Y}" in html
    assert "63%" not in panel


def test_a_measure_that_got_worse_says_so(leader):
    measure = with_figures(
        [18, 21], title="Caseload", unit=Unit.NUMBER, target=Decimal("18"), higher_is_better=False
    )
    action = ready()
    action.measures.add(measure)
    panel = panel_of(leader.get(pages(action)[0]))
    assert f"Caseload Lower is better 18 {month(2):%B %Y} 21 {month(1):%B %Y} Worse than" in panel
    assert "Red" in panel


def test_a_measure_without_figures_since_the_start_says_so(leader):
    action = ready(start_date=timezone.localdate())
    action.measures.add(with_figures([80, 82]), factories.MeasureFactory(title="Not yet measured"))
    panel = panel_of(leader.get(pages(action)[1]))
    assert panel.count("No figures since it started") == 2


def test_an_action_without_a_start_date_is_measured_from_the_day_it_was_added(leader):
    measure = with_figures([50, 60, 70, 80])
    action = ready(start_date=None)
    action.measures.add(measure)
    added = timezone.now() - datetime.timedelta(days=70)
    action.history.filter(history_type="+").update(history_date=added)

    assert started_on(action) == timezone.localdate(added)
    panel = panel_of(leader.get(pages(action)[0]))
    assert f"shown from {timezone.localdate(added).day} {added:%B %Y}, when it was added" in panel
    # Seventy days ago is two or three months back: the first figure is that month's.
    first = timezone.localdate(added).replace(day=1)
    figures = {month(4): "50%", month(3): "60%", month(2): "70%", month(1): "80%"}
    assert f"Higher is better {figures[first]} {first:%B %Y} 80%" in panel


def test_the_measures_are_in_title_order(leader):
    action = ready()
    for title in ("Re-referrals", "Audits good or better", "Care leavers in touch"):
        action.measures.add(with_figures([80], title=title))
    for url in pages(action):
        panel = panel_of(leader.get(url))
        places = [panel.index(t) for t in ("Audits", "Care leavers", "Re-referrals")]
        assert places == sorted(places)


def test_an_action_naming_no_measures_says_so(leader):
    action = ready()
    action_page, sign_off = (panel_of(leader.get(url)) for url in pages(action))
    assert "This action names no measures." in action_page
    assert "there is no measure to judge its impact against" in sign_off
    assert "app-sparkline" not in leader.get(pages(action)[1]).content.decode()


def test_a_councillor_sees_only_the_shared_measures(councillor):
    action = factories.ImprovementActionFactory(start_date=month(6))
    action.measures.add(
        with_figures([80], title="Shared figure"),
        with_figures([80], title="Internal figure", shareable_with_scrutiny=False),
    )
    response = councillor.get(pages(action)[0])
    assert response.status_code == 200
    assert "Shared figure" in panel_of(response)
    assert "Internal figure" not in response.content.decode()


def test_a_councillor_is_told_when_no_shared_measure_is_named(councillor):
    action = factories.ImprovementActionFactory(start_date=month(6))
    action.measures.add(with_figures([80], title="Internal figure", shareable_with_scrutiny=False))
    panel = panel_of(councillor.get(pages(action)[0]))
    assert "This action names no measures shared with councillors." in panel


def test_an_owner_without_a_role_reads_the_figures_without_links_to_pages_closed_to_them(
    client, action_owner
):
    measure = with_figures([80, 84], title="Seen alone")
    action = factories.ImprovementActionFactory(owner=action_owner, start_date=month(6))
    action.measures.add(measure)
    client.force_login(action_owner)
    response = client.get(pages(action)[0])
    assert "Seen alone" in panel_of(response)
    assert f'href="/measures/{measure.pk}/"' not in response.content.decode()


def test_illustrative_figures_are_labelled(leader):
    action = ready()
    action.measures.add(with_figures([80]))
    notice = "These are illustrative figures for the demonstration, not the council's own."
    assert notice not in leader.get(pages(action)[1]).content.decode()
    action.measures.add(with_figures([80], source=ILLUSTRATIVE_SOURCE))
    for url in pages(action):
        assert notice in panel_of(leader.get(url))


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("start", [month(6), None], ids=["start date", "no start date"])
@pytest.mark.parametrize("page", [0, 1], ids=["action page", "sign-off page"])
def test_more_measures_and_months_add_no_queries(leader, page, start):
    action = ready(start_date=start)
    action.measures.add(with_figures([80, 81]))
    url = pages(action)[page]
    leader.get(url)  # the first request fills per-process caches
    few = _queries(leader, url)
    for count in range(6):
        action.measures.add(
            with_figures([70 + back % 9 for back in range(30)], shareable_with_scrutiny=count % 2)
        )
    assert _queries(leader, url) == few
