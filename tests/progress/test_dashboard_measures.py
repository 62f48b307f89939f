"""The dashboard's measures to look at: those whose latest figure misses its target,
the longest off target first, and those worse than the month before, each
linking to the measure; kept with the dashboard's cached figures until a figure
changes, and in as many queries for many measures as for a few."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.figures import ILLUSTRATIVE_SOURCE
from measures.models import Unit
from measures.trends import months_before
from progress import dashboard, dashboard_measures
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("progress:dashboard")
THIS_MONTH = datetime.date.today().replace(day=1)


@pytest.fixture(autouse=True)
def empty_cache():
    dashboard.forget_figures()
    yield
    dashboard.forget_figures()


@pytest.fixture
def leader(client, senior_leader):
    client.force_login(senior_leader)
    return client


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


def section(response, heading_id):
    """The words under one of the panel's headings, up to the next heading."""
    html = response.content.decode()
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h3", start + 1)
    end = html.find("See every measure", start) if end == -1 else end
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html[start:end])))


def test_it_lists_the_measures_off_target_the_longest_off_target_first(leader):
    briefly = with_figures([95, 84], title="Audits good or better")
    long_off = with_figures([70, 72, 75, 80], title="Seen alone at assessment")
    with_figures([92, 95], title="Care leavers in touch")  # on target
    with_figures([40, 41], title="No target", target=None)

    response = leader.get(URL)

    assert response.status_code == 200
    off = section(response, "measures-off-target")
    assert "2 measures miss their targets." in off
    assert (
        f"Seen alone at assessment Off target 4 months running 80% {month(1):%B %Y} 90% Red"
    ) in off
    assert f"Audits good or better 84% {month(1):%B %Y} 90% Red" in off
    assert off.index("Seen alone") < off.index("Audits")
    assert "Care leavers" not in off and "No target" not in off
    html = response.content.decode()
    for measure in (briefly, long_off):
        assert f'href="{measure.get_absolute_url()}"' in html


def test_it_lists_the_measures_worse_than_the_month_before_red_first(leader):
    with_figures([96, 92], title="Care leavers in touch")  # worse, still on target
    with_figures([19, 24], title="Caseload", unit=Unit.NUMBER, target=18, higher_is_better=False)
    with_figures([80, 85], title="Seen alone")  # better
    gap = factories.MeasureFactory(title="Re-referrals")
    for back, figure in ((3, 95), (1, 80)):  # no figure for the month before the latest
        factories.MeasureValueFactory(measure=gap, period=month(back), value=figure)

    worse = section(leader.get(URL), "measures-worse")

    assert "2 measures have moved the wrong way since the month before." in worse
    assert f"Caseload Red 19 {month(2):%B %Y} 24 {month(1):%B %Y}" in worse
    assert f"Care leavers in touch Green 96% {month(2):%B %Y} 92% {month(1):%B %Y}" in worse
    assert worse.index("Caseload") < worse.index("Care leavers")
    assert "Seen alone" not in worse and "Re-referrals" not in worse


def test_with_no_measures_to_look_at_it_says_so(leader):
    with_figures([92, 95])
    response = leader.get(URL)
    assert "No measure misses its target." in section(response, "measures-off-target")
    assert "No measure is worse than the month before." in section(response, "measures-worse")


def test_it_shows_at_most_ten_of_each_and_says_how_many_there_are(leader):
    for number in range(12):
        with_figures([85, 80 - number % 3], title=f"Figure {number:02}")
    off = section(leader.get(URL), "measures-off-target")
    assert "12 measures miss their targets; the 10 longest off target are shown." in off
    assert off.count("Figure ") == dashboard_measures.SHOWN


def test_illustrative_figures_are_labelled(leader):
    notice = "These are illustrative figures for the demonstration, not the council's own."
    with_figures([92, 95], source=ILLUSTRATIVE_SOURCE)  # neither off target nor worse
    assert notice not in leader.get(URL).content.decode()
    with_figures([80, 70], source=ILLUSTRATIVE_SOURCE)
    dashboard.forget_figures()  # as a refresh would, without waiting for one
    assert notice in leader.get(URL).content.decode()


def test_someone_who_may_not_see_a_measure_never_has_it_listed(scrutiny_member, senior_leader):
    with_figures([85, 80], title="Shared figure")
    with_figures([85, 80], title="Internal figure", shareable_with_scrutiny=False)
    found = dashboard.figures(THIS_MONTH)

    for user, titles in (
        (senior_leader, {"Shared figure", "Internal figure"}),
        (scrutiny_member, {"Shared figure"}),
    ):
        shown = dashboard_measures.visible_for(found, user)
        for name in ("measures_off_target", "measures_worse"):
            assert {row.title for row in shown[name]} == titles
            assert shown[f"{name}_total"] == len(titles)


def test_a_new_figure_shows_on_the_next_view(leader, django_capture_on_commit_callbacks):
    measure = with_figures([92, 95], title="Seen alone")
    assert "Seen alone" not in section(leader.get(URL), "measures-off-target")
    with django_capture_on_commit_callbacks(execute=True):
        factories.MeasureValueFactory(measure=measure, period=THIS_MONTH, value=Decimal(70))
    assert "Seen alone" in section(leader.get(URL), "measures-off-target")


def _queries(client):
    dashboard.forget_figures()  # counted with the figures worked out, not cached
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_more_measures_and_months_add_no_queries(leader):
    with_figures([85, 80])
    leader.get(URL)  # the first request fills per-process caches
    few = _queries(leader)
    for number in range(8):
        with_figures([70 + back % 7 for back in range(30)], shareable_with_scrutiny=number % 2)
    assert _queries(leader) == few


def test_figures_saved_in_bulk_are_counted_once_the_grace_period_is_over(leader, settings):
    from simple_history.utils import bulk_create_with_history

    from measures.models import MeasureValue

    settings.DASHBOARD_REFRESH_GRACE = 0
    measure = with_figures([92, 95], title="Seen alone")
    assert "Seen alone" not in section(leader.get(URL), "measures-off-target")
    # As measures.figures_save saves a file's figures: no save() signal to queue
    # a refresh, but a history row for each value, which moves the data stamp.
    bulk_create_with_history(
        [MeasureValue(measure=measure, period=THIS_MONTH, value=Decimal(70))], MeasureValue
    )
    assert "Seen alone" in section(leader.get(URL), "measures-off-target")
