"""The measures' list and a measure's page: what each shows, to whom, and in how many queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.figures import ILLUSTRATIVE_SOURCE
from measures.models import Unit
from measures.trends import months_before
from tests import factories

pytestmark = pytest.mark.django_db


def last_month():
    return months_before(datetime.date.today().replace(day=1), 1)


def measure_with_months(count, figures=None, **fields):
    """A measure with ``count`` monthly values ending last month."""
    measure = factories.MeasureFactory(**fields)
    end = last_month()
    for back in range(count):
        figure = figures[count - 1 - back] if figures else 80 + back % 5
        factories.MeasureValueFactory(
            measure=measure,
            period=months_before(end, back),
            value=Decimal(str(figure)),
            england=Decimal("78.5"),
            neighbours=Decimal("81"),
        )
    return measure


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_list_shows_each_measures_latest_figure_target_rag_and_directions(team):
    area = factories.AreaOfConcernFactory(title="Children seen alone")
    measure_with_months(
        14, figures=[70] * 12 + [84, 80], title="Seen alone at assessment", areas=[area]
    )

    response = team.get("/measures/")

    assert response.status_code == 200
    text = text_of(response)
    month = last_month()
    assert f"Seen alone at assessment Children seen alone 80% {month:%B %Y} 90%" in text
    assert "Amber" not in text and "Red" in text
    assert f"Worse than {months_before(month, 1):%B %Y}" in text
    assert f"Better than {months_before(month, 12):%B %Y}" in text
    assert "Off target 14 months running" in text
    assert 'role="img"' in response.content.decode()


def test_the_list_says_when_a_measure_has_no_target_or_no_figures(team):
    measure_with_months(2, title="Caseload", unit=Unit.NUMBER, target=None)
    factories.MeasureFactory(title="Care leavers in touch")

    text = text_of(team.get("/measures/"))

    assert "Caseload" in text and "No target" in text and "No rating" in text
    assert "Care leavers in touch No figures yet" in text


def test_a_councillor_sees_only_shared_measures_and_never_a_hidden_one(councillor):
    shared = measure_with_months(3, title="Shared figure")
    hidden = measure_with_months(3, title="Internal figure", shareable_with_scrutiny=False)

    listed = councillor.get("/measures/").content.decode()

    assert "Shared figure" in listed and "Internal figure" not in listed
    assert councillor.get(f"/measures/{shared.pk}/").status_code == 200
    assert councillor.get(f"/measures/{hidden.pk}/").status_code == 404


def test_a_councillor_does_not_see_an_unpublished_area_on_a_shared_measure(councillor):
    unpublished = factories.AreaOfConcernFactory(
        title="Secret area", identified_at=factories.InspectionFactory(published_on=None)
    )
    published = factories.AreaOfConcernFactory(title="Public area")
    measure = measure_with_months(2, areas=[unpublished, published])

    for url in ("/measures/", f"/measures/{measure.pk}/"):
        page = councillor.get(url).content.decode()
        assert "Public area" in page and "Secret area" not in page


def test_a_councillor_cannot_write_to_a_measure(councillor):
    measure = measure_with_months(2)
    for url in ("/measures/", f"/measures/{measure.pk}/"):
        assert councillor.post(url, {"title": "Changed"}).status_code in (403, 405)
    measure.refresh_from_db()
    assert measure.title != "Changed"


def test_someone_without_a_role_may_not_read_measures(client, action_owner):
    measure = measure_with_months(2)
    client.force_login(action_owner)
    assert client.get("/measures/").status_code == 403
    assert client.get(f"/measures/{measure.pk}/").status_code == 403


def test_a_measures_page_draws_its_chart_and_lists_the_same_figures(team):
    area = factories.AreaOfConcernFactory()
    measure = measure_with_months(
        24, title="Audits good or better", areas=[area], description="Case audits."
    )
    visited = months_before(last_month(), 6)
    visit = factories.VisitFactory(
        start_date=visited, end_date=visited, letter_date=visited, published_on=visited
    )
    factories.VisitAreaFactory(visit=visit, area=area)
    action = factories.ImprovementActionFactory(title="Audit every month")
    action.measures.add(measure)

    response = team.get(f"/measures/{measure.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    svg = re.search(r"<svg class=\"app-chart\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "Target: 90%." in svg
    assert f"Ofsted visits marked: {visit.date_range}." in svg
    assert svg.count('stroke-dasharray="3 3"') == 2  # the visit's month, and its legend
    table = html[html.index('id="measure-values-table"') :]
    assert table.count('<th scope="row"') == 24
    assert "78.5%" in table and "81%" in table
    assert action.get_absolute_url() in html and area.get_absolute_url() in html
    assert visit.get_absolute_url() in html
    assert 'id="history"' in html  # the improvement team sees the measure's history


def test_a_measure_with_no_figures_says_so_instead_of_a_chart(team):
    measure = factories.MeasureFactory()
    html = team.get(f"/measures/{measure.pk}/").content.decode()
    assert "No figures have been entered for this measure yet." in html
    assert "app-chart" not in html


def test_a_councillor_sees_who_supplies_a_figure_by_job_title_only(councillor):
    owner = factories.UserFactory(full_name="Priya Patel", job_title="Head of Quality")
    measure = measure_with_months(2, owner=owner)

    html = councillor.get(f"/measures/{measure.pk}/").content.decode()

    assert "Head of Quality" in html and "Priya Patel" not in html
    assert "Not shared with councillors" not in html and 'id="history"' not in html


def test_illustrative_figures_are_labelled(team):
    measure = measure_with_months(2, source=ILLUSTRATIVE_SOURCE)
    notice = "These are illustrative figures for the demonstration, not the council's own."
    assert notice in team.get("/measures/").content.decode()
    assert notice in team.get(f"/measures/{measure.pk}/").content.decode()


def test_real_figures_carry_no_illustrative_label(team):
    measure = measure_with_months(2, source="Monthly performance report")
    assert "illustrative" not in team.get(f"/measures/{measure.pk}/").content.decode()


def test_measures_are_in_the_menu_for_every_role(team, councillor, senior_leader, client):
    for user in (senior_leader,):
        client.force_login(user)
        assert 'href="/measures/"' in client.get("/").content.decode()
    assert 'href="/measures/"' in councillor.get("/").content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_reads_the_same_number_of_queries_for_a_few_measures_or_many(team):
    area = factories.AreaOfConcernFactory()
    for _ in range(3):
        measure_with_months(14, areas=[area])
    few = _queries(team, "/measures/")
    for _ in range(30):
        measure_with_months(14, areas=[area, factories.AreaOfConcernFactory()])
    many = _queries(team, "/measures/")
    assert few == many


def test_a_measures_page_reads_the_same_number_of_queries_for_few_months_or_many(team):
    area = factories.AreaOfConcernFactory()
    short = measure_with_months(3, areas=[area])
    long = measure_with_months(60, areas=[area, factories.AreaOfConcernFactory()])
    for _ in range(3):
        factories.ImprovementActionFactory().measures.add(long)
        factories.VisitAreaFactory(area=area)
    assert _queries(team, f"/measures/{short.pk}/") == _queries(team, f"/measures/{long.pk}/")
