"""The councillor's page of an area of concern lists its actions' progress 25 at a
time, in order of reference, with GOV.UK pagination; any page number, good or bad,
gives a page rather than an error, every page keeps to what councillors may read,
and a page costs the same queries however many actions the area has."""

import datetime
import re

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import AreaOfConcern
from progress import bulk
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def area():
    inspection = factories.InspectionFactory()
    area = factories.AreaOfConcernFactory(identified_at=inspection, title="Front door")
    owner = factories.UserFactory(job_title="Head of the front door")
    for number in range(1, 31):
        action = factories.ImprovementActionFactory(
            reference=f"A-{number:03d}", title=f"Front door action {number}", owner=owner
        )
        action.areas.add(area)
    return area


def url_of(area):
    return reverse("progress:scrutiny_area", args=[area.pk])


def references(response):
    return re.findall(r'<th scope="row" class="govuk-table__header">(A-\d{3}) ', response.text)


def test_it_shows_the_first_25_actions_in_order_of_reference(councillor, area):
    response = councillor.get(url_of(area))
    assert references(response) == [f"A-{n:03d}" for n in range(1, 26)]
    assert "Showing 1 to 25 of 30 actions, in order of reference." in response.text
    assert 'class="govuk-pagination"' in response.text
    assert "(actions, page 1 of 2)" in response.text  # in the page's title


def test_it_shows_the_rest_on_the_next_page(councillor, area):
    response = councillor.get(url_of(area), {"page": "2"})
    assert references(response) == [f"A-{n:03d}" for n in range(26, 31)]
    assert "Showing 26 to 30 of 30 actions" in response.text


def test_its_page_links_land_on_the_actions(councillor, area):
    response = councillor.get(url_of(area))
    assert 'href="?page=2#actions"' in response.text
    assert 'id="actions"' in response.text


@pytest.mark.parametrize(
    ("page", "first"),
    [("abc", "A-001"), ("0", "A-026"), ("99", "A-026"), ("-1", "A-026"), ("", "A-001")],
)
def test_it_answers_a_bad_page_number_with_a_page_not_an_error(councillor, area, page, first):
    response = councillor.get(url_of(area), {"page": page})
    assert response.status_code == 200
    assert references(response)[0] == first


def test_a_short_list_has_no_pagination(councillor):
    area = factories.AreaOfConcernFactory(identified_at=factories.InspectionFactory())
    factories.ImprovementActionFactory(reference="A-001").areas.add(area)
    response = councillor.get(url_of(area))
    assert references(response) == ["A-001"]
    assert "govuk-pagination" not in response.text
    assert "Showing" not in response.text
    assert "page 1 of" not in response.text


def test_an_area_without_actions_says_so(councillor):
    area = factories.AreaOfConcernFactory(identified_at=factories.InspectionFactory())
    response = councillor.get(url_of(area), {"page": "3"})
    assert response.status_code == 200
    assert "No improvement action is tied to this area yet." in response.text


def test_a_later_page_shows_only_updates_shared_with_scrutiny(councillor, area, action_owner):
    last = area.actions.get(reference="A-030")
    factories.ActionUpdateFactory(
        action=last,
        author=action_owner,
        note="Shared: the audit is done",
        shareable_with_scrutiny=True,
        created_at=datetime.datetime(2024, 1, 10, 9, tzinfo=datetime.UTC),
    )
    factories.ActionUpdateFactory(
        action=last,
        author=action_owner,
        note="Internal: behind because of sickness",
        shareable_with_scrutiny=False,
        created_at=datetime.datetime(2024, 2, 10, 9, tzinfo=datetime.UTC),
    )
    response = councillor.get(url_of(area), {"page": "2"})
    assert "Shared: the audit is done" in response.text
    assert "Internal: behind" not in response.text
    assert last.owner.full_name not in response.text
    assert last.owner.email not in response.text


def test_a_councillor_gets_no_page_of_an_unpublished_inspections_area(councillor):
    unpublished = factories.InspectionFactory(published_on=None)
    area = factories.AreaOfConcernFactory(identified_at=unpublished)
    assert councillor.get(url_of(area), {"page": "2"}).status_code == 404


# Constant queries ------------------------------------------------------------------------


def busiest_area():
    return (
        AreaOfConcern.objects.visible_to(None)
        .annotate(action_count=Count("actions"))
        .order_by("-action_count", "pk")
        .first()
    )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("page", ["1", "2"])
def test_it_runs_the_same_queries_at_50_and_1000_actions(councillor, page):
    bulk.build(50, seed=1)
    area = busiest_area()
    url = f"{url_of(area)}?page={page}"
    councillor.get(url)  # the first request fills per-process caches
    small, _ = queries_for(councillor, url)
    before = area.actions.count()
    bulk.build(950, seed=2, grow=True)
    assert area.actions.count() > max(before, 25)  # the same area, grown past a page
    large, response = queries_for(councillor, url)
    assert f"(actions, page {page} of " in response.text
    assert large == small
