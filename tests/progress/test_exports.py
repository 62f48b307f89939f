"""Downloads of the action list, findings and area ratings as CSV and Excel: the
list's own rows, text that Excel will never run as a formula, only what the person
may see, and the same number of queries however many rows."""

import csv
import datetime
import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Status
from progress import exports

from .. import factories
from .export_data import (
    build_world,
    csv_rows,
    days,
    grow_every_table,
    queries_for,
    xlsx_rows,
    xlsx_sheet,
)

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def export_url(name, file_format, query=""):
    return reverse(f"progress:export_{name}", args=[file_format]) + query


# Formulas


@pytest.mark.parametrize("formula", FORMULAS)
def test_it_neutralises_a_formula_in_the_csv_file(team, formula):
    factories.ImprovementActionFactory(title=formula)
    [row] = csv_rows(team.get(export_url("actions", "csv")))
    assert row["Title"] == f"'{formula}"


@pytest.mark.parametrize("formula", FORMULAS)
def test_it_stores_a_formula_as_plain_text_in_the_workbook(team, formula):
    factories.ImprovementActionFactory(title=formula)
    sheet = xlsx_sheet(team.get(export_url("actions", "xlsx")))
    headings = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=headings.index("Title") + 1)
    assert cell.data_type == "s"
    assert cell.value == f"'{formula}"


def test_it_neutralises_findings_and_ratings_too(team):
    visit = factories.VisitFactory()
    factories.FindingFactory(visit=visit, summary="=1+2")
    factories.AreaRatingFactory(visit=visit, commentary="@cmd")
    [finding] = csv_rows(team.get(export_url("findings", "csv")))
    [rating] = xlsx_rows(team.get(export_url("ratings", "xlsx")))
    assert finding["Summary"] == "'=1+2"
    assert rating["Commentary"] == "'@cmd"


def test_it_keeps_dates_as_dates_in_the_workbook(team):
    factories.ImprovementActionFactory(due_date=datetime.date(2025, 3, 31))
    [row] = xlsx_rows(team.get(export_url("actions", "xlsx")))
    assert row["Due date"] == datetime.datetime(2025, 3, 31)


def test_it_drops_characters_a_workbook_cannot_hold(team):
    factories.ImprovementActionFactory(title="\x01=1+1 bell\x07")
    [row] = xlsx_rows(team.get(export_url("actions", "xlsx")))
    assert row["Title"] == "'=1+1 bell"


# The same rows as the list

FILTERS = [
    "",
    "?status=blocked",
    "?q=supervision",
    "?overdue=on",
    "?rag=red&sort=-due_date",
    "?sort=owner",
    "?due_after=1/1/2020&due_before=31/12/2099&sort=-rag",
    "?status=nonsense&q=audit",  # a value the list refuses is left out of both
    "?owner_name=bea&sort=-due_date",
    "?owner=none",
]


@pytest.fixture
def varied_actions():
    owners = [factories.UserFactory(full_name=name) for name in ("Bea", "Al", "Cy")]
    area = factories.AreaOfConcernFactory()
    made = []
    for number in range(30):
        status = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED][number % 3]
        action = factories.ImprovementActionFactory(
            title=f"{'Audit supervision' if number % 4 == 0 else 'Recruit staff'} {number}",
            owner=owners[number % 3] if number % 5 else None,
            status=status,
            due_date=days(number * 7 - 60),
        )
        if number % 2:
            action.areas.add(area)
        made.append(action)
    return made


def list_references(client, query):
    response = client.get(reverse("actions:action_list") + query)
    assert response.status_code == 200
    return [action.reference for action in response.context["page_obj"].paginator.object_list]


@pytest.mark.parametrize("query", FILTERS)
def test_the_csv_file_holds_the_rows_the_list_shows(team, varied_actions, query):
    shown = list_references(team, query)
    exported = [row["Reference"] for row in csv_rows(team.get(export_url("actions", "csv", query)))]
    assert exported == shown


@pytest.mark.parametrize("query", ["?status=in_progress", "?owner=none&sort=-due_date"])
def test_the_workbook_holds_the_rows_the_list_shows(team, varied_actions, query):
    shown = list_references(team, query)
    exported = [
        row["Reference"] for row in xlsx_rows(team.get(export_url("actions", "xlsx", query)))
    ]
    assert exported == shown
    assert 0 < len(exported) < len(varied_actions)


def test_the_list_links_to_downloads_of_what_it_shows(team, varied_actions):
    response = team.get(reverse("actions:action_list") + "?status=blocked&sort=-due_date&page=2")
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]*)"', response.content.decode())]
    downloads = [h for h in hrefs if h.startswith("/progress/exports/actions.")]
    assert {urlsplit(h).path for h in downloads} == {
        export_url("actions", "csv"),
        export_url("actions", "xlsx"),
    }
    for href in downloads:
        query = parse_qs(urlsplit(href).query)
        assert query["status"] == ["blocked"]
        assert query["sort"] == ["-due_date"]
        assert "page" not in query  # a download holds every page


# Who sees what


def test_a_scrutiny_member_gets_owners_by_job_title_and_no_internal_notes(councillor):
    world = build_world()
    [row] = csv_rows(councillor.get(export_url("actions", "csv")))
    assert row["Owner"] == "Head of Service"
    assert "Owner's e-mail address" not in row
    assert world.owner.email not in str(row)
    assert world.owner.full_name not in str(row)
    assert row["Latest update"] == "Shared progress note"


def test_an_officer_gets_the_owners_name_address_and_latest_update(team):
    world = build_world()
    [row] = csv_rows(team.get(export_url("actions", "csv")))
    assert row["Owner"] == "Olive Owner"
    assert row["Owner's e-mail address"] == world.owner.email
    assert row["Latest update"] == "Internal worry about staffing"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_scrutiny_member_gets_only_published_findings(councillor, file_format):
    build_world()
    response = councillor.get(export_url("findings", file_format))
    rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
    assert [row["Summary"] for row in rows] == ["Published finding"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_scrutiny_member_gets_only_published_ratings(councillor, file_format):
    build_world()
    response = councillor.get(export_url("ratings", file_format))
    rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
    assert [row["Commentary"] for row in rows] == ["Published rating"]


def test_an_officer_gets_unpublished_findings_too(team):
    build_world()
    rows = csv_rows(team.get(export_url("findings", "csv")))
    assert {row["Summary"] for row in rows} == {"Published finding", "Unpublished finding"}


def test_a_scrutiny_member_sees_only_published_areas_of_an_action(councillor):
    world = build_world()
    hidden = factories.AreaOfConcernFactory(
        identified_at=factories.InspectionFactory(published_on=None), title="Not yet reported"
    )
    world.action.areas.add(hidden)
    [row] = csv_rows(councillor.get(export_url("actions", "csv")))
    assert row["Areas of concern"] == "Front door"


@pytest.mark.parametrize("name", ["actions", "findings", "ratings"])
def test_someone_with_no_role_may_not_download(client, action_owner, name):
    client.force_login(action_owner)
    assert client.get(export_url(name, "csv")).status_code == 403


def test_it_sends_a_signed_out_visitor_to_sign_in(client):
    response = client.get(export_url("actions", "csv"))
    assert response.status_code == 302
    assert "sign-in" in response.url


def test_it_names_the_file_and_streams_the_csv(team):
    response = team.get(export_url("findings", "csv"))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="findings-')


def test_the_actions_csv_is_streamed_a_batch_of_rows_at_a_time(team, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_BATCH", 2)
    first = factories.AreaOfConcernFactory(title="Oversight")
    second = factories.AreaOfConcernFactory(title="Front door")
    for number in range(1, 6):
        action = factories.ImprovementActionFactory(reference=f"A-00{number}")
        action.areas.add(first, second)
        factories.ActionUpdateFactory(action=action, note=f"=older note {number}")
        factories.ActionUpdateFactory(action=action, note=f"=newest note {number}")
    response = team.get(export_url("actions", "csv"))
    assert response.streaming
    chunks = list(response.streaming_content)
    # The byte order mark, then the headings and five rows two lines at a time.
    assert len(chunks) == 1 + 3
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert [row["Reference"] for row in rows] == [f"A-00{n}" for n in range(1, 6)]
    assert {row["Areas of concern"] for row in rows} == {"Front door; Oversight"}
    # The newest update, still neutralised for Excel.
    assert [row["Latest update"] for row in rows] == [f"'=newest note {n}" for n in range(1, 6)]


def test_the_csv_row_converter_agrees_with_the_cell_converter():
    moment = datetime.datetime(2025, 1, 15, 9, 30, tzinfo=datetime.UTC)
    values = ["plain", "=1+1", "", None, True, 7, datetime.date(2025, 3, 27), moment]
    zone = timezone.get_current_timezone()
    assert exports.csv_row(values, zone) == [exports.csv_cell(value) for value in values]


def test_an_unknown_format_is_not_found(team):
    assert team.get("/progress/exports/actions.pdf").status_code == 404


# Queries


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("name", ["actions", "findings", "ratings"])
def test_the_queries_do_not_grow_with_the_rows(team, name, file_format):
    url = export_url(name, file_format, "?q=action" if name == "actions" else "")
    grow_every_table(3)
    few = queries_for(team, url)
    grow_every_table(30)
    many = queries_for(team, url)
    assert few == many
