"""Each list page runs the same number of queries for 10 rows as for 1,000: related
records are joined or prefetched, never fetched row by row."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from findings.models import AreaRating, Finding
from inspections.models import (
    AreaOfConcern,
    Inspection,
    Judgement,
    LocalAuthority,
    Visit,
    VisitArea,
)

pytestmark = pytest.mark.django_db

# Rows are made with bulk_create for speed: history rows do not matter here.


def make_rows(count, offset=0):
    authority, _ = LocalAuthority.objects.get_or_create(name="Devon County Council")
    inspections = Inspection.objects.bulk_create(
        Inspection(
            authority=authority,
            kind=Inspection.Kind.ILACS_STANDARD,
            start_date=datetime.date(2000, 1, 1) + datetime.timedelta(days=offset + n),
            published_on=datetime.date(2000, 3, 1) + datetime.timedelta(days=offset + n),
        )
        for n in range(count)
    )
    Judgement.objects.bulk_create(
        Judgement(inspection=inspection, area=Judgement.Area.OVERALL, grade="inadequate")
        for inspection in inspections
    )
    areas = AreaOfConcern.objects.bulk_create(
        AreaOfConcern(identified_at=inspection, title=f"Area {offset + n}")
        for n, inspection in enumerate(inspections)
    )
    visits = Visit.objects.bulk_create(
        Visit(
            authority=authority,
            follows=inspection,
            kind=Visit.Kind.MONITORING,
            start_date=inspection.start_date,
            end_date=inspection.start_date,
            is_published=True,
        )
        for inspection in inspections
    )
    VisitArea.objects.bulk_create(
        VisitArea(visit=visit, area=area, position=1)
        for visit, area in zip(visits, areas, strict=True)
    )
    AreaRating.objects.bulk_create(
        AreaRating(visit=visit, area=area, rating="improved")
        for visit, area in zip(visits, areas, strict=True)
    )
    Finding.objects.bulk_create(
        Finding(visit=visit, area=area, kind="strength", summary="Good")
        for visit, area in zip(visits, areas, strict=True)
    )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(response.context["object_list"])


@pytest.mark.parametrize(
    "url_name", ["inspections:inspection_list", "inspections:visit_list", "inspections:area_list"]
)
@pytest.mark.parametrize("person", ["improvement_officer", "scrutiny_member"])
def test_it_runs_as_many_queries_for_1000_rows_as_for_10(client, request, url_name, person):
    client.force_login(request.getfixturevalue(person))
    url = reverse(url_name)
    make_rows(10)
    client.get(url)  # sessions and permissions are cached from here on
    few, shown_few = queries_for(client, url)
    make_rows(990, offset=10)
    many, shown_many = queries_for(client, url)
    assert (shown_few, shown_many) == (10, 25)  # a full page, so the rows really grew
    assert many == few
