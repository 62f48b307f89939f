"""Each record's history: names not ids, before and after, for those who may see it."""

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.audit import delete_as, save_as
from accounts.history import NOT_SET, SYSTEM, changes_for, rows_of
from actions.models import ImprovementAction
from findings.models import Finding
from inspections.models import Visit

from .. import factories

pytestmark = pytest.mark.django_db


def history_url(record):
    meta = record._meta
    return reverse("accounts:object_history", args=[meta.app_label, meta.model_name, record.pk])


def field_changes(change):
    return {field.label: field for field in change.fields}


def test_it_shows_related_records_and_choices_by_name_with_before_and_after(improvement_officer):
    first_visit = factories.VisitFactory(number=3)
    second_visit = factories.VisitFactory(number=4)
    finding = factories.FindingFactory(visit=first_visit, kind=Finding.Kind.STRENGTH)
    finding.visit = second_visit
    finding.kind = Finding.Kind.SERIOUS_CONCERN
    save_as(finding, improvement_officer)

    newest = changes_for(rows_of(Finding, finding.pk))[0]

    assert newest.kind == "changed"
    assert newest.who == "Imogen Team"
    changed = field_changes(newest)
    assert set(changed) == {"Visit", "Kind"}
    assert (changed["Visit"].before, changed["Visit"].after) == (
        str(first_visit),
        str(second_visit),
    )
    assert (changed["Kind"].before, changed["Kind"].after) == ("Strength", "Serious concern")


def test_it_shows_dates_in_uk_style(improvement_officer):
    visit = factories.VisitFactory()
    visit.letter_date = datetime.date(2024, 4, 2)
    save_as(visit, improvement_officer)

    letter_date = field_changes(changes_for(rows_of(Visit, visit.pk))[0])["Letter date"]

    assert (letter_date.before, letter_date.after) == ("28 March 2024", "2 April 2024")


def test_it_lists_what_a_new_record_was_created_with():
    finding = factories.FindingFactory(summary="Drift in plans for children")

    created = changes_for(rows_of(Finding, finding.pk))[0]

    assert created.kind == "created"
    summary = field_changes(created)["Summary"]
    assert (summary.before, summary.after) == (NOT_SET, "Drift in plans for children")
    assert "Area of concern" not in field_changes(created)


def test_it_names_a_related_record_deleted_since(improvement_officer):
    area = factories.AreaOfConcernFactory(title="Quality of supervision")
    finding = factories.FindingFactory()
    finding.area = area
    save_as(finding, improvement_officer)
    finding.area = None
    save_as(finding, improvement_officer)
    delete_as(area, improvement_officer)

    newest, linked = changes_for(rows_of(Finding, finding.pk))[:2]

    assert field_changes(linked)["Area of concern"].after == "Quality of supervision (deleted)"
    removed = field_changes(newest)["Area of concern"]
    assert (removed.before, removed.after) == ("Quality of supervision (deleted)", NOT_SET)


def test_it_shows_linked_findings_and_areas_as_names_added_and_removed(improvement_officer):
    action = factories.ImprovementActionFactory()
    kept = factories.FindingFactory(summary="Plans are not specific")
    dropped = factories.FindingFactory(summary="Visits are late")
    area = factories.AreaOfConcernFactory(title="Management oversight")
    save_as(action, improvement_officer)
    action.findings.add(kept, dropped)
    action.areas.add(area)
    action.findings.remove(dropped)

    removal, areas_added, findings_added = changes_for(rows_of(ImprovementAction, action.pk))[:3]

    assert field_changes(findings_added)["Findings"].added == (
        "Plans are not specific",
        "Visits are late",
    )
    assert field_changes(areas_added)["Areas of concern"].added == ("Management oversight",)
    assert set(field_changes(areas_added)) == {"Areas of concern"}
    findings = field_changes(removal)["Findings"]
    assert (findings.added, findings.removed) == ((), ("Visits are late",))
    assert str(findings) == "Findings: removed Visits are late"


def test_it_says_system_when_no_person_made_the_change():
    finding = factories.FindingFactory()

    assert changes_for(rows_of(Finding, finding.pk))[0].who == SYSTEM


def test_it_shows_the_history_page_with_names_not_ids(client, improvement_officer):
    first_visit = factories.VisitFactory(number=3)
    second_visit = factories.VisitFactory(number=4)
    finding = factories.FindingFactory(visit=first_visit)
    finding.visit = second_visit
    save_as(finding, improvement_officer)
    client.force_login(improvement_officer)

    response = client.get(history_url(finding))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"History of {finding.summary}" in page
    assert str(first_visit) in page
    assert str(second_visit) in page
    assert "Imogen Team" in page


def test_it_shows_the_history_of_a_deleted_record(client, improvement_officer):
    finding = factories.FindingFactory(summary="Children wait too long")
    url = history_url(finding)
    delete_as(finding, improvement_officer)
    client.force_login(improvement_officer)

    response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "History of Children wait too long (deleted)" in page
    assert "Deleted" in page
    assert "Restore" in page


@pytest.mark.parametrize(
    "path",
    [
        "/history/findings/nosuchmodel/1/",
        "/history/nosuchapp/finding/1/",
        "/history/sessions/session/1/",
        "/history/findings/finding/999999/",
        "/history/findings/finding/99999999999999999999999/",
    ],
)
def test_it_answers_not_found_for_unknown_records(client, improvement_officer, path):
    client.force_login(improvement_officer)

    assert client.get(path).status_code == 404


def test_it_lets_senior_leaders_read_history(client, senior_leader):
    finding = factories.FindingFactory()
    client.force_login(senior_leader)

    response = client.get(history_url(finding))

    assert response.status_code == 200
    assert "Restore" not in response.content.decode()


@pytest.mark.parametrize("person", ["scrutiny_member", "action_owner"])
def test_it_refuses_history_to_scrutiny_members_and_owners(client, request, person):
    finding = factories.FindingFactory()
    client.force_login(request.getfixturevalue(person))

    assert client.get(history_url(finding)).status_code == 403


def test_it_sends_anonymous_people_to_sign_in(client):
    finding = factories.FindingFactory()

    response = client.get(history_url(finding))

    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response["Location"]


def render_history(record, user):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load history %}{% object_history record %}")
    return template.render(Context({"request": request, "record": record}))


def test_it_shows_the_latest_twenty_changes_on_a_record_with_a_link_to_all(improvement_officer):
    finding = factories.FindingFactory()
    for number in range(25):
        finding.summary = f"Summary number {number}"
        save_as(finding, improvement_officer)

    html = render_history(finding, improvement_officer)

    assert html.count('<tr class="govuk-table__row">') == 1 + 20
    assert "Summary number 24" in html
    assert "See all 26 changes" in html
    assert history_url(finding) in html


def test_it_shows_no_history_to_those_who_may_not_see_it(scrutiny_member, action_owner):
    finding = factories.FindingFactory()

    assert render_history(finding, scrutiny_member).strip() == ""
    assert render_history(finding, action_owner).strip() == ""


def make_changes(action, officer, count):
    """Each change moves the action to a new owner and links another finding."""
    for _ in range(count):
        action.owner = factories.UserFactory()
        save_as(action, officer)
        action.findings.add(factories.FindingFactory())


def queries_to_describe(action):
    with CaptureQueriesContext(connection) as queries:
        changes = changes_for(rows_of(ImprovementAction, action.pk))
    return len(queries), len(changes)


def test_it_describes_few_and_many_changes_with_the_same_queries(improvement_officer):
    few = factories.ImprovementActionFactory()
    many = factories.ImprovementActionFactory()
    make_changes(few, improvement_officer, 3)
    make_changes(many, improvement_officer, 40)

    few_queries, few_changes = queries_to_describe(few)
    many_queries, many_changes = queries_to_describe(many)

    assert (few_changes, many_changes) == (7, 81)
    assert few_queries == many_queries
