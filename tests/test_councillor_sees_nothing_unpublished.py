"""Nothing unpublished or internal reaches a councillor by any page or download.

Every text of an unpublished inspection, an unpublished visit, a finding and an area
rating of that visit, an area of concern from the unpublished inspection, a progress
update not shared with scrutiny (and its evidence), a measure not shared with scrutiny
(and its monthly figure's note), and the full name and address of the officer who owns
the action, holds one marker. The areas and findings hang off an
action councillors may read, so the pages that show that action are tempted to show
them. A councillor then reads every page the URL walk knows, every page those link
to, every export in every format, every feed with their own token, the packs and
their PDFs, and the planted records' own addresses: the marker must appear nowhere,
in HTML, CSV, the cells of a workbook, JSON or iCalendar.
"""

import io
import zipfile
from collections import deque
from urllib.parse import urlencode

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from accounts.roles import IMPROVEMENT_TEAM, SCRUTINY_MEMBER
from progress.models import CommitteePack, FeedToken
from progress.packs import freeze

from . import factories, walk

pytestmark = pytest.mark.django_db

MARKER = "zqmarker7731"

# Enough for every page the walk knows and a few links deep from each; a loop of
# ever-new query strings stops here rather than running forever.
MOST_REQUESTS = 2500


def mark(record, **fields):
    """Write the marker into every free-text field of ``record`` (and ``fields``)."""
    for field in record._meta.concrete_fields:
        if (
            isinstance(field, (models.CharField, models.TextField))
            and not field.choices
            and not isinstance(field, (models.EmailField, models.URLField, models.SlugField))
            and field.editable
            and field.name not in {"reference", "password"}
        ):
            text = f"{MARKER} {field.name} {record.pk or ''}"
            setattr(record, field.name, text[: field.max_length or len(text)])
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()
    return record


@pytest.fixture
def planted():
    authority = factories.LocalAuthorityFactory()
    published = factories.InspectionFactory(authority=authority)
    hidden_inspection = mark(factories.InspectionFactory(authority=authority, published_on=None))
    factories.JudgementFactory(inspection=hidden_inspection)
    visible_area = factories.AreaOfConcernFactory(
        identified_at=published, title="Visible area of concern"
    )
    hidden_area = mark(factories.AreaOfConcernFactory(identified_at=hidden_inspection))
    visible_visit = factories.VisitFactory(authority=authority, follows=published)
    factories.VisitAreaFactory(visit=visible_visit, area=visible_area)
    visible_finding = factories.FindingFactory(visit=visible_visit, area=visible_area)
    factories.AreaRatingFactory(visit=visible_visit, area=visible_area)
    hidden_visit = mark(
        factories.VisitFactory(
            authority=authority, follows=published, is_published=False, published_on=None
        )
    )
    factories.VisitAreaFactory(visit=hidden_visit, area=visible_area)
    factories.VisitAreaFactory(visit=hidden_visit, area=hidden_area)
    hidden_finding = mark(factories.FindingFactory(visit=hidden_visit, area=visible_area))
    hidden_rating = mark(factories.AreaRatingFactory(visit=hidden_visit, area=visible_area))

    owner = factories.UserFactory(
        full_name=f"{MARKER} Owner", email=f"{MARKER}.owner@council.example"
    )
    action = factories.ImprovementActionFactory(owner=owner, title="Visible action")
    action.areas.add(visible_area, hidden_area)
    action.findings.add(visible_finding, hidden_finding)
    factories.ActionUpdateFactory(
        action=action, note="Shared progress", shareable_with_scrutiny=True
    )
    hidden_update = mark(
        factories.ActionUpdateFactory(action=action, shareable_with_scrutiny=False)
    )
    mark(factories.EvidenceFactory(action=action, update=hidden_update))
    # Measures of a visible area, named by the visible action: the shared one's
    # figures are shown beside it, the other's never.
    shared_measure = factories.MeasureFactory(title="Shared measure", areas=[visible_area])
    factories.MeasureValueFactory(measure=shared_measure, note="Shared figure")
    hidden_measure = mark(
        factories.MeasureFactory(areas=[visible_area]), shareable_with_scrutiny=False
    )
    mark(factories.MeasureValueFactory(measure=hidden_measure))
    action.measures.add(shared_measure, hidden_measure)

    team = factories.UserFactory(role=IMPROVEMENT_TEAM)
    freeze(CommitteePack(title="Committee pack", committee_date=published.end_date), team)
    return {
        "inspection": hidden_inspection,
        "visit": hidden_visit,
        "finding": hidden_finding,
        "rating": hidden_rating,
        "area": hidden_area,
        "update": hidden_update,
        "action": action,
        "measure": hidden_measure,
    }


def readable_text(response):
    """Everything a response says, as text: a workbook's or a PDF's inside included."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as workbook:
            return "\n".join(
                workbook.read(name).decode("utf-8", "replace") for name in workbook.namelist()
            )
    return body.decode("utf-8", "replace")


def starting_points(planted, councillor):
    """The walk's pages a councillor may read, and the planted records' addresses."""
    samples = walk.build_samples()
    found, problems = walk.targets(samples)
    assert not problems
    urls = [target.url for target in found if not target.page.is_write and not target.page.is_admin]
    urls += [
        planted["inspection"].get_absolute_url(),
        planted["visit"].get_absolute_url(),
        planted["area"].get_absolute_url(),
        planted["action"].get_absolute_url(),
        planted["measure"].get_absolute_url(),
        reverse("progress:scrutiny_area", args=[planted["area"].pk]),
    ]
    action_list = reverse("actions:action_list")
    for name in ("area", "visit", "finding"):
        urls.append(f"{action_list}?{urlencode({name: planted[name].pk})}")
    for table in ("actions", "findings", "ratings", "measure_values"):
        for file_format in ("csv", "xlsx"):
            urls.append(reverse(f"progress:export_{table}", args=[file_format]))
    _, data_key = FeedToken.issue(councillor, FeedToken.Purpose.DATA_FEED)
    _, calendar_key = FeedToken.issue(councillor, FeedToken.Purpose.CALENDAR)
    for feed in ("feed_actions", "feed_findings", "feed_ratings", "feed_measure_values"):
        urls.append(f"{reverse(f'progress:{feed}')}?token={data_key}")
    urls.append(f"{reverse('progress:feed_calendar')}?token={calendar_key}")
    for pack in CommitteePack.objects.all():
        urls.append(reverse("progress:pack_detail", args=[pack.pk]))
        urls.append(reverse("progress:pack_pdf", args=[pack.pk]))
    return urls


def crawl(client, urls):
    """Every URL in ``urls`` and every page they link to: {url: text} and a log."""
    seen, read, queue = set(urls), {}, deque(urls)
    while queue and len(read) < MOST_REQUESTS:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code != 500, url
        text = readable_text(response)
        read[url] = text
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for kind, path, _method, name in walk.controls(text, url.split("?")[0]):
                if kind == "link" and name and not name.startswith("admin:") and path not in seen:
                    if name in {"accounts:sign_out", "sign_out"}:
                        continue
                    seen.add(path)
                    queue.append(path)
    return read


def test_a_councillor_reads_no_unpublished_or_internal_text_anywhere(planted):
    councillor = factories.UserFactory(role=SCRUTINY_MEMBER)
    client = Client(raise_request_exception=False)
    client.force_login(councillor)

    read = crawl(client, starting_points(planted, councillor))

    leaks = sorted(url for url, text in read.items() if MARKER in text)
    assert not leaks, f"{len(leaks)} of {len(read)} responses show the marker: {leaks[:20]}"
    # The crawl did reach the pages that show the planted records' neighbours.
    assert planted["action"].get_absolute_url() in read
    assert len(read) > 100


def test_the_crawl_finds_the_marker_where_an_officer_may_read_it(planted):
    """The same crawl as the improvement team: the marker is there to be found, so the
    councillor's clean result above is not a crawl that looked nowhere."""
    officer = factories.UserFactory(role=IMPROVEMENT_TEAM)
    client = Client(raise_request_exception=False)
    client.force_login(officer)

    read = crawl(
        client,
        [
            planted["action"].get_absolute_url(),
            planted["visit"].get_absolute_url(),
            planted["area"].get_absolute_url(),
            planted["measure"].get_absolute_url(),
        ],
    )

    assert MARKER in read[planted["action"].get_absolute_url()]
    assert MARKER in read[planted["visit"].get_absolute_url()]
    assert MARKER in read[planted["measure"].get_absolute_url()]


def test_a_councillor_is_offered_no_area_from_an_unpublished_inspection(planted):
    councillor = factories.UserFactory(role=SCRUTINY_MEMBER)
    client = Client()
    client.force_login(councillor)
    action_list = reverse("actions:action_list")

    page = client.get(action_list)
    chosen = client.get(action_list, {"area": planted["area"].pk})
    action_page = client.get(planted["action"].get_absolute_url())

    assert f'value="{planted["area"].pk}"' not in page.content.decode()
    assert planted["area"].title not in page.content.decode()
    # Named in the address, the area is refused as not one of the choices.
    assert "Choose an area of concern from the list" in chosen.content.decode()
    assert "There is a problem" in chosen.content.decode()
    assert planted["area"].title not in action_page.content.decode()
    assert "Visible area of concern" in action_page.content.decode()
