"""The audit log: every change, filtered by person, record, change and date, as a
page or as CSV, for the improvement team and senior leaders only."""

import csv
import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.audit import delete_as, save_as
from accounts.history import AuditFilters, AuditLog, neutralise
from findings.models import Finding

from .. import factories

pytestmark = pytest.mark.django_db

AUDIT_LOG = reverse("accounts:audit_log")
AUDIT_CSV = reverse("accounts:audit_log_csv")


def page_of(client, **filters):
    response = client.get(AUDIT_LOG, filters)
    assert response.status_code == 200
    return response, response.content.decode()


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def signed_in(client, improvement_officer):
    client.force_login(improvement_officer)
    return client


def test_it_shows_every_change_newest_first(signed_in, improvement_officer):
    finding = factories.FindingFactory(summary="Older summary")
    finding.summary = "Newer summary"
    save_as(finding, improvement_officer)

    _, page = page_of(signed_in)

    assert page.index("Newer summary") < page.index("Older summary")
    assert "Imogen Team" in page


def test_it_filters_by_person_and_keeps_the_filter_in_links(signed_in, improvement_officer):
    someone_else = factories.UserFactory(full_name="Someone Else")
    mine = factories.FindingFactory(summary="Changed by Imogen")
    theirs = factories.FindingFactory(summary="Changed by someone else")
    save_as(mine, improvement_officer)
    save_as(theirs, someone_else)

    response, page = page_of(signed_in, person=improvement_officer.pk)

    assert "Changed by Imogen" in page
    assert "Changed by someone else" not in page
    assert f'value="{improvement_officer.pk}" selected' in page
    assert response.context["csv_url"].endswith(f"person={improvement_officer.pk}")


def test_it_filters_by_kind_of_record(signed_in):
    factories.FindingFactory(summary="A finding")
    factories.AreaOfConcernFactory(title="An area")

    _, page = page_of(signed_in, record_kind="inspections.areaofconcern")

    assert "An area" in page
    assert "A finding" not in page
    assert '<option value="inspections.areaofconcern" selected>' in page


def test_it_filters_by_kind_of_change(signed_in, improvement_officer):
    kept = factories.FindingFactory(summary="Still here")
    gone = factories.FindingFactory(summary="Deleted finding")
    delete_as(gone, improvement_officer)

    _, page = page_of(signed_in, change="deleted")

    assert "Deleted finding" in page
    assert kept.summary not in page


def test_it_filters_by_date_range(signed_in):
    with time_machine.travel(datetime.datetime(2024, 3, 4, 23, 30, tzinfo=datetime.UTC)):
        factories.FindingFactory(summary="Before the range")
    with time_machine.travel(datetime.datetime(2024, 3, 6, 9, 0, tzinfo=datetime.UTC)):
        factories.FindingFactory(summary="In the range")
    with time_machine.travel(datetime.datetime(2024, 3, 8, 0, 30, tzinfo=datetime.UTC)):
        factories.FindingFactory(summary="After the range")
    dates = {
        "since_0": "5", "since_1": "3", "since_2": "2024",
        "until_0": "7", "until_1": "3", "until_2": "2024",
    }  # fmt: skip

    response, page = page_of(signed_in, **dates)

    assert "In the range" in page
    assert "Before the range" not in page
    assert "After the range" not in page
    assert 'value="2024"' in page
    assert "since_0=5" in response.context["csv_url"]


def test_it_pages_the_log_and_keeps_the_filters_in_the_page_links(signed_in):
    for _ in range(60):
        factories.FindingFactory()

    response, page = page_of(signed_in, record_kind="findings.finding")

    assert response.context["page_obj"].paginator.count == 60
    assert len(response.context["page_obj"].object_list) == 50
    assert "?record_kind=findings.finding&amp;page=2" in page
    second = signed_in.get(AUDIT_LOG, {"record_kind": "findings.finding", "page": 2})
    assert len(second.context["page_obj"].object_list) == 10


@pytest.mark.parametrize("page_number", ["abc", "999", "-1"])
def test_it_shows_a_real_page_for_any_page_number(signed_in, page_number):
    factories.FindingFactory()

    response = signed_in.get(AUDIT_LOG, {"page": page_number})

    assert response.status_code == 200
    assert response.context["page_obj"].object_list


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"since_0": "31", "since_1": "2", "since_2": "2024"}, "The date from must be a real date"),
        ({"since_0": "x", "since_1": "2", "since_2": "2024"}, "Enter a valid date"),
        ({"until_0": "1", "until_1": "", "until_2": "2024"}, "Enter the month"),
        ({"until_0": "1", "until_1": "1", "until_2": "1800"}, "The date to must be between"),
        ({"until_0": "1", "until_1": "1", "until_2": "99999"}, "The date to must be a real date"),
        (
            {
                "since_0": "2",
                "since_1": "1",
                "since_2": "2024",
                "until_0": "1",
                "until_1": "1",
                "until_2": "2024",
            },
            "The date to must be the same as or after the date from",
        ),
        ({"person": "nobody"}, "Select a person from the list"),
        ({"person": "99999999999999999999999"}, "Select a person from the list"),
        ({"record_kind": "sessions.session"}, "Select a kind of record from the list"),
        ({"change": "exploded"}, "Select a kind of change from the list"),
    ],
)
def test_it_explains_bad_filters_without_failing(signed_in, filters, message):
    factories.FindingFactory(summary="Not shown while the filters are wrong")

    response, page = page_of(signed_in, **filters)

    assert "There is a problem" in page
    assert message in page
    assert "<title>Error: Audit log" in page
    assert "Not shown while the filters are wrong" not in page


def test_it_sends_bad_filters_for_the_csv_back_to_the_log(signed_in):
    response = signed_in.get(AUDIT_CSV, {"since_0": "31", "since_1": "2", "since_2": "2024"})

    assert response.status_code == 302
    assert response["Location"].startswith(AUDIT_LOG + "?")
    assert "since_0=31" in response["Location"]


def test_it_exports_the_filtered_rows_as_csv(signed_in, improvement_officer):
    finding = factories.FindingFactory(summary="Plans drift")
    finding.kind = Finding.Kind.SERIOUS_CONCERN
    save_as(finding, improvement_officer)
    factories.AreaOfConcernFactory(title="Not a finding")

    response = signed_in.get(AUDIT_CSV, {"record_kind": "findings.finding"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    changed, created = read_csv(response)
    assert changed["Who"] == "Imogen Team"
    assert changed["Who's e-mail address"] == improvement_officer.email
    assert changed["Kind of record"] == "Finding"
    assert changed["Record id"] == str(finding.pk)
    assert changed["Record"] == "Plans drift"
    assert changed["Change"] == "Changed"
    assert changed["What changed"] == "Kind: Area for improvement → Serious concern"
    assert datetime.datetime.fromisoformat(changed["When"]).tzinfo is not None
    assert created["Change"] == "Created"
    assert created["Who"] == "System"


def test_it_exports_every_row_not_one_page(signed_in):
    for _ in range(60):
        factories.FindingFactory()

    response = signed_in.get(AUDIT_CSV, {"record_kind": "findings.finding"})

    assert len(read_csv(response)) == 60


def test_it_stops_excel_running_what_people_typed(signed_in, improvement_officer):
    finding = factories.FindingFactory(summary='=HYPERLINK("http://evil.example","Click")')
    finding.evidence = "@SUM(1+1)"
    save_as(finding, improvement_officer)

    rows = read_csv(signed_in.get(AUDIT_CSV, {"record_kind": "findings.finding"}))

    assert rows[0]["Record"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert all(not row[column].startswith(("=", "+", "-", "@")) for row in rows for column in row)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("Plain", "Plain")],
)
def test_it_neutralises_cells_that_excel_would_run(cell, safe):
    assert neutralise(cell) == safe


def make_log(officer, findings):
    """Findings on one visit, one of them deleted, one linked to an action; then a
    change to each kind of parent record, so the newest page always shows the same
    mix of models whatever the number of findings."""
    visit = factories.VisitFactory()
    made = factories.FindingFactory.create_batch(findings, visit=visit)
    action = factories.ImprovementActionFactory()
    action.findings.add(*made[:2])
    delete_as(made[-1], officer)
    # The officer too: a person's row names their roles, which are looked up.
    for parent in (visit, visit.follows, visit.authority, action, officer):
        save_as(parent, officer)


def queries_for_first_page(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(AUDIT_LOG)
    assert response.status_code == 200
    return len(queries)


def test_it_runs_the_same_queries_for_ten_rows_and_for_two_hundred(signed_in, improvement_officer):
    # The roles' first rows, written when the database was made, would be on the
    # first page of the short log only: one more kind of record to describe.
    Group.history.all().delete()
    make_log(improvement_officer, 10)
    few = queries_for_first_page(signed_in)
    make_log(improvement_officer, 200)
    many = queries_for_first_page(signed_in)

    assert AuditLog().count() > 210
    assert few == many


def test_it_counts_and_slices_across_every_model():
    factories.FindingFactory()
    log = AuditLog(AuditFilters(model=Finding))

    assert log.count() == 1
    assert [change.record_kind for change in log[0:1]] == ["Finding"]
    assert len(AuditLog()[0:3]) == 3


def test_it_lets_senior_leaders_see_the_log_but_not_restore(client, senior_leader):
    finding = factories.FindingFactory()
    delete_as(finding, senior_leader)
    client.force_login(senior_leader)

    response, page = page_of(client)

    assert "Deleted" in page
    assert "Restore" not in page
    assert client.get(AUDIT_CSV).status_code == 200


def test_it_offers_the_improvement_team_a_restore_on_the_last_deletion(
    signed_in, improvement_officer
):
    finding = factories.FindingFactory()
    finding_id = finding.pk
    delete_as(finding, improvement_officer)

    _, page = page_of(signed_in)

    deletion = Finding.history.get(id=finding_id, history_type="-")
    assert reverse("accounts:restore", args=["findings", "finding", deletion.history_id]) in page


@pytest.mark.parametrize("person", ["scrutiny_member", "action_owner"])
@pytest.mark.parametrize("url", [AUDIT_LOG, AUDIT_CSV])
def test_it_refuses_the_log_to_scrutiny_members_and_owners(client, request, person, url):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url).status_code == 403
