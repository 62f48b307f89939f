"""A small world for the downloads and feeds: a published visit and an unpublished
one, each with a finding and a rating, and actions whose updates are shared with
scrutiny members or kept internal. Plus readers for what the downloads return."""

import csv
import datetime
import io
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from .. import factories

TODAY = datetime.date.today()


def days(n):
    return TODAY + datetime.timedelta(days=n)


@dataclass
class World:
    published_visit: object
    unpublished_visit: object
    published_finding: object
    unpublished_finding: object
    published_rating: object
    unpublished_rating: object
    action: object
    owner: object


def build_world():
    inspection = factories.InspectionFactory()
    area = factories.AreaOfConcernFactory(identified_at=inspection, title="Front door")
    published = factories.VisitFactory(follows=inspection)
    unpublished = factories.VisitFactory(
        follows=inspection,
        start_date=datetime.date(2024, 9, 10),
        end_date=datetime.date(2024, 9, 11),
        letter_date=datetime.date(2024, 10, 1),
        is_published=False,
        published_on=None,
    )
    owner = factories.UserFactory(
        full_name="Olive Owner", email="olive.owner@council.example", job_title="Head of Service"
    )
    action = factories.ImprovementActionFactory(
        reference="A-001", title="Audit supervision", owner=owner, due_date=days(10)
    )
    action.areas.add(area)
    factories.ActionUpdateFactory(
        action=action, note="Shared progress note", shareable_with_scrutiny=True
    )
    factories.ActionUpdateFactory(
        action=action, note="Internal worry about staffing", shareable_with_scrutiny=False
    )
    return World(
        published_visit=published,
        unpublished_visit=unpublished,
        published_finding=factories.FindingFactory(
            visit=published, area=area, summary="Published finding"
        ),
        unpublished_finding=factories.FindingFactory(
            visit=unpublished, area=area, summary="Unpublished finding"
        ),
        published_rating=factories.AreaRatingFactory(
            visit=published, area=area, commentary="Published rating"
        ),
        unpublished_rating=factories.AreaRatingFactory(
            visit=unpublished, area=area, commentary="Unpublished rating"
        ),
        action=action,
        owner=owner,
    )


def add_actions(count, area=None):
    """``count`` more actions, each with an owner, an area and two updates, so a
    query per row (or per owner, area or update) would show."""
    area = area or factories.AreaOfConcernFactory()
    for _ in range(count):
        action = factories.ImprovementActionFactory(due_date=days(30))
        action.areas.add(area)
        factories.ActionUpdateFactory(action=action, shareable_with_scrutiny=True)
        factories.ActionUpdateFactory(action=action)


def grow_every_table(count):
    """``count`` more actions, findings and ratings."""
    add_actions(count)
    visit = factories.VisitFactory()
    for _ in range(count):
        factories.FindingFactory(visit=visit, area=factories.AreaOfConcernFactory())
        factories.AreaRatingFactory(visit=visit)


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response):
    """The CSV file as dictionaries by heading (the byte order mark taken off)."""
    text = body_of(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_sheet(response):
    workbook = load_workbook(io.BytesIO(body_of(response)))
    return workbook.worksheets[0]


def xlsx_rows(response):
    rows = list(xlsx_sheet(response).iter_rows(values_only=True))
    header, *rest = rows
    return [dict(zip(header, row, strict=True)) for row in rest]


def queries_for(client, url, **extra):
    """How many queries answering ``url`` takes, the whole body read."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
        body_of(response)
    assert response.status_code == 200, response.status_code
    return len(queries)
