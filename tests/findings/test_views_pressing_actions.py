"""However many actions answer a finding, an area or a visit, their pages show the
most pressing few (open ones first, earliest due first), count the rest, and link
to the action list showing exactly all of them; and each page asks the database
the same number of questions whatever the number of actions."""

import datetime
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import ImprovementAction, Status
from findings.pressing_actions import (
    ACTIONS_PER_FINDING,
    ACTIONS_PER_PAGE,
    attach_pressing_actions,
    most_pressing_across,
    pressing,
    visit_actions,
)
from tests import factories
from tests.inspections.page_checks import error_messages, parse, text

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
_made = iter(range(1, 10**6))


def make_actions(statuses_and_days, finding=None, area=None, owner=None):
    """Actions made in bulk (their history does not matter here), one for each
    (status, days from today to its due date), tied to ``finding`` and ``area``."""
    actions = ImprovementAction.objects.bulk_create(
        ImprovementAction(
            reference=f"T-{next(_made):05d}",
            title=f"Bulk action due in {days} days",
            status=status,
            due_date=TODAY + datetime.timedelta(days=days),
            completed_on=TODAY if status == Status.COMPLETED else None,
            owner=owner,
        )
        for status, days in statuses_and_days
    )
    if finding is not None:
        links = ImprovementAction.findings.through
        links.objects.bulk_create(
            links(improvementaction=action, finding=finding) for action in actions
        )
    if area is not None:
        links = ImprovementAction.areas.through
        links.objects.bulk_create(
            links(improvementaction=action, areaofconcern=area) for action in actions
        )
    return actions


@pytest.fixture
def area():
    return factories.AreaOfConcernFactory(title="Management oversight")


@pytest.fixture
def visit(area):
    visit = factories.VisitFactory(
        authority=area.identified_at.authority, follows=area.identified_at
    )
    factories.VisitAreaFactory(visit=visit, area=area, position=1)
    return visit


@pytest.fixture
def busy_finding(visit, area):
    """A finding with twelve actions: four completed ones due first, then eight open."""
    finding = factories.FindingFactory(visit=visit, area=area, summary="Supervision is rare")
    completed = make_actions([(Status.COMPLETED, day) for day in (-40, -30, -20, -10)], finding)
    # Made out of due-date order: the page sorts them.
    open_ = make_actions(
        [
            (Status.IN_PROGRESS, 50),
            (Status.BLOCKED, -5),
            (Status.NOT_STARTED, 10),
            (Status.IN_PROGRESS, 70),
            (Status.NOT_STARTED, 30),
            (Status.BLOCKED, 20),
            (Status.IN_PROGRESS, 40),
            (Status.NOT_STARTED, 60),
        ],
        finding,
    )
    finding.test_open_by_due_date = sorted(open_, key=lambda action: action.due_date)
    finding.test_actions = completed + open_
    return finding


def finding_entry(response, finding):
    """The words of one finding's entry on a visit's or area's page."""
    content = response.content.decode()
    start = content.index(f'id="finding-{finding.pk}"')
    # It ends where the next finding or the group of findings does.
    ends = [content.find(mark, start) for mark in ('class="app-finding', "</section>")]
    end = min(at for at in ends if at != -1)
    return " ".join(re.sub(r"<[^>]+>", " ", content[start:end]).split())


def listed_on_the_action_list(client, url):
    response = client.get(url)
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert page.paginator.num_pages == 1
    return {action.pk for action in page.object_list}


@pytest.mark.parametrize("page", ["visit", "area"])
def test_a_busy_finding_shows_its_five_most_pressing_actions_and_links_to_all(
    team, visit, area, busy_finding, page
):
    other = factories.FindingFactory(visit=visit, area=area, summary="Another finding")
    make_actions([(Status.NOT_STARTED, -100)], other)  # more pressing, but not this finding's
    response = team.get((visit if page == "visit" else area).get_absolute_url())
    entry = finding_entry(response, busy_finding)

    shown = busy_finding.test_open_by_due_date[:ACTIONS_PER_FINDING]
    positions = [entry.find(action.reference) for action in shown]
    assert -1 not in positions and positions == sorted(positions), entry
    for action in busy_finding.test_actions:
        if action not in shown:
            assert action.reference not in entry
    assert "The 5 most pressing of the 12 actions responding to it" in entry
    assert "and 7 more actions." in entry
    assert "See all 12 actions" in entry

    link = f"{reverse('actions:action_list')}?finding={busy_finding.pk}"
    assert link in parse(response).links
    assert listed_on_the_action_list(team, link) == {a.pk for a in busy_finding.test_actions}


def test_a_finding_with_few_actions_lists_them_all_without_a_link(team, visit, area):
    finding = factories.FindingFactory(visit=visit, area=area, summary="Few actions")
    few = make_actions([(Status.COMPLETED, -3), (Status.IN_PROGRESS, 9)], finding)
    response = team.get(visit.get_absolute_url())
    entry = finding_entry(response, finding)
    # Open first, then the completed one.
    assert entry.index(few[1].reference) < entry.index(few[0].reference)
    assert "Actions responding to it:" in entry
    assert "more action" not in entry and "See all" not in entry
    assert f"?finding={finding.pk}" not in response.content.decode()


def test_the_visit_lists_its_ten_most_pressing_actions_once_each(team, visit, area, busy_finding):
    second = factories.FindingFactory(visit=visit, area=area, summary="Plans drift")
    later = make_actions([(Status.NOT_STARTED, day) for day in range(1, 15)], second)
    # One action answers both findings: listed once, naming both.
    shared = make_actions([(Status.BLOCKED, -50)], busy_finding)[0]
    ImprovementAction.findings.through.objects.create(improvementaction=shared, finding=second)

    page = text(team.get(visit.get_absolute_url()))
    table = page[page.index("Actions responding to these findings") :]
    assert "27 actions respond to this visit's findings, 2 of them overdue." in table
    assert (
        "Not started 17 not started In progress 3 in progress Blocked 3 blocked"
        " Completed 4 completed Overdue (open and past the due date) 2 overdue All actions 27"
    ) in table
    expected = sorted(
        [*busy_finding.test_open_by_due_date, *later, shared],
        key=lambda action: (action.due_date, action.pk),
    )[:ACTIONS_PER_PAGE]
    assert "The 10 most pressing" in table
    positions = [table.find(action.reference) for action in expected]
    assert -1 not in positions and positions == sorted(positions), table
    assert table.count(shared.reference) == 1
    assert f"{shared.reference} {shared.title} " in table
    row = table[table.index(shared.reference) : table.index(expected[1].reference)]
    assert "Supervision is rare" in row and "Plans drift" in row
    for action in busy_finding.test_actions:
        if action not in expected:
            assert action.reference not in table


def test_the_visit_links_to_all_its_actions_and_to_each_status(team, visit, area, busy_finding):
    second = factories.FindingFactory(visit=visit, area=area, summary="Plans drift")
    later = make_actions([(Status.NOT_STARTED, day) for day in (1, 2)], second)
    # One action answers both findings: listed once.
    shared = make_actions([(Status.BLOCKED, -50)], busy_finding)[0]
    ImprovementAction.findings.through.objects.create(improvementaction=shared, finding=second)
    # Another visit's finding in the same area: its action is not this visit's.
    make_actions([(Status.IN_PROGRESS, 3)], factories.FindingFactory(area=area))
    everything = busy_finding.test_actions + later + [shared]

    response = team.get(visit.get_absolute_url())
    assert "See all 15 actions responding to this visit" in text(response)
    links = parse(response).links
    all_link = f"{reverse('actions:action_list')}?visit={visit.pk}"
    assert all_link in links
    assert listed_on_the_action_list(team, all_link) == {a.pk for a in everything}
    for status in Status:
        with_status = {a.pk for a in everything if a.status == status}
        status_link = f"{all_link}&status={status.value}"
        assert (status_link in links) == bool(with_status), status
        if with_status:
            assert listed_on_the_action_list(team, status_link) == with_status, status
    overdue_link = f"{all_link}&overdue=1"
    assert overdue_link in links
    assert listed_on_the_action_list(team, overdue_link) == {
        a.pk for a in everything if a.status != Status.COMPLETED and a.due_date < TODAY
    }


def test_the_visit_filter_names_the_visit_and_can_be_undone(team, visit, busy_finding):
    others = make_actions([(Status.IN_PROGRESS, 20)] * 2)
    response = team.get(f"{reverse('actions:action_list')}?visit={visit.pk}")
    content = response.content.decode()
    assert 'name="visit"' in content and str(visit) in content
    assert "There is a problem" not in content
    # Choosing "Any visit" (an empty value) lists every action again.
    url = f"{reverse('actions:action_list')}?visit=&status="
    assert listed_on_the_action_list(team, url) == {
        a.pk for a in busy_finding.test_actions + others
    }
    response = team.get(reverse("actions:action_list"))
    assert 'name="visit"' not in response.content.decode()


@pytest.mark.parametrize("value", ["999999", "abc", "1" * 40, "-1", "12\n"])
def test_a_visit_that_is_not_there_is_an_error_not_a_failure(team, value):
    response = team.get(reverse("actions:action_list"), {"visit": value})
    assert error_messages(response) == ["The visit in the link cannot be found: choose any visit"]


def test_the_visits_most_pressing_are_the_same_as_asking_the_database(visit, area):
    """The visit's few are taken from what each finding's query fetched, not asked
    for again: they must be what one query over all the visit's actions gives."""
    rng = random.Random(20240305)
    findings = [factories.FindingFactory(visit=visit, area=area) for _ in range(4)]
    statuses = list(Status)
    actions = make_actions([(rng.choice(statuses), rng.randint(-30, 30)) for _ in range(80)])
    links = ImprovementAction.findings.through
    links.objects.bulk_create(
        links(improvementaction=action, finding=finding)
        for action in actions
        for finding in rng.sample(findings, rng.randint(1, 3))
    )
    fetched = attach_pressing_actions(findings, fetch=ACTIONS_PER_PAGE)
    found = most_pressing_across(fetched, ACTIONS_PER_PAGE)

    expected = pressing(visit_actions(visit))
    assert [action.pk for action in found] == [action.pk for action in expected]
    for action in found:
        answered = set(
            links.objects.filter(improvementaction=action).values_list("finding_id", flat=True)
        )
        assert [finding.pk for finding in action.answers] == [
            finding.pk for finding in findings if finding.pk in answered
        ]


def test_the_area_counts_its_actions_and_lists_the_ten_most_pressing(team, area):
    owner = factories.UserFactory(full_name="Olive Owner", job_title="Head of Service")
    completed = make_actions([(Status.COMPLETED, -90)] * 3, area=area, owner=owner)
    blocked = make_actions([(Status.BLOCKED, day) for day in (-20, 5)], area=area, owner=owner)
    open_ = make_actions([(Status.IN_PROGRESS, day) for day in range(-3, 12)], area=area)
    make_actions([(Status.BLOCKED, -99)])  # no area's: counted nowhere here

    response = team.get(area.get_absolute_url())
    page = text(response)
    section = page[page.index("20 actions are tied to this area") :]
    assert "20 actions are tied to this area, 4 of them overdue." in section
    # Each figure but a nought links to its actions, saying which they are.
    assert (
        "Not started 0 In progress 15 in progress Blocked 2 blocked Completed 3 completed"
        " Overdue (open and past the due date) 4 overdue All actions 20"
    ) in section
    expected = sorted(blocked + open_, key=lambda action: (action.due_date, action.pk))[:10]
    assert "The 10 most pressing" in section
    positions = [section.find(action.reference) for action in expected]
    assert -1 not in positions and positions == sorted(positions), section
    for action in completed:
        assert action.reference not in section
    assert "Olive Owner" in section

    links = parse(response).links
    all_link = f"{reverse('actions:action_list')}?area={area.pk}"
    assert "See all 20 actions for this area" in section
    assert all_link in links
    assert listed_on_the_action_list(team, all_link) == {a.pk for a in completed + blocked + open_}
    blocked_link = f"{all_link}&status=blocked"
    assert blocked_link in links
    assert listed_on_the_action_list(team, blocked_link) == {a.pk for a in blocked}
    overdue_link = f"{all_link}&overdue=1"
    assert overdue_link in links
    assert listed_on_the_action_list(team, overdue_link) == {
        a.pk for a in blocked + open_ if a.due_date < TODAY
    }


def test_a_councillor_sees_owners_on_the_area_page_by_job_title(councillor, area):
    owner = factories.UserFactory(full_name="Olive Owner", job_title="Head of Service")
    make_actions([(Status.IN_PROGRESS, 10)], area=area, owner=owner)
    page = text(councillor.get(area.get_absolute_url()))
    assert "Head of Service" in page
    assert "Olive Owner" not in page


def test_a_councillor_can_follow_a_findings_link_to_its_actions(councillor, busy_finding):
    response = councillor.get(busy_finding.visit.get_absolute_url())
    link = f"{reverse('actions:action_list')}?finding={busy_finding.pk}"
    assert link in parse(response).links
    assert listed_on_the_action_list(councillor, link) == {a.pk for a in busy_finding.test_actions}


@pytest.mark.parametrize("named", ["finding", "visit"])
def test_the_list_names_no_finding_or_visit_a_councillor_may_not_see(councillor, area, named):
    unpublished = factories.VisitFactory(
        authority=area.identified_at.authority, is_published=False, published_on=None
    )
    hidden = factories.FindingFactory(visit=unpublished, summary="Not yet public")
    hidden_actions = make_actions([(Status.IN_PROGRESS, 10)], hidden)
    others = make_actions([(Status.IN_PROGRESS, 20)] * 2)

    record = hidden if named == "finding" else unpublished
    url = f"{reverse('actions:action_list')}?{named}={record.pk}"
    response = councillor.get(url)
    assert error_messages(response) == [
        f"The {named} in the link cannot be found: choose any {named}"
    ]
    content = response.content.decode()
    assert "Not yet public" not in content and str(unpublished) not in content
    # A link that cannot be followed filters nothing, as any refused filter does.
    assert listed_on_the_action_list(councillor, url) == {a.pk for a in hidden_actions + others}


@pytest.mark.parametrize("value", ["999999", "abc", "1" * 40, "-1"])
def test_a_finding_that_is_not_there_is_an_error_not_a_failure(team, value):
    response = team.get(f"{reverse('actions:action_list')}?finding={value}")
    assert error_messages(response) == [
        "The finding in the link cannot be found: choose any finding"
    ]


def test_the_action_list_offers_no_finding_unless_a_link_names_one(team, busy_finding):
    response = team.get(reverse("actions:action_list"))
    assert 'name="finding"' not in response.content.decode()
    response = team.get(f"{reverse('actions:action_list')}?finding={busy_finding.pk}")
    content = response.content.decode()
    assert 'name="finding"' in content and "Supervision is rare" in content
    # Choosing "Any finding" (an empty value) lists every action again.
    response = team.get(f"{reverse('actions:action_list')}?finding=&status=")
    assert response.context["page_obj"].paginator.count == ImprovementAction.objects.count()


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["visit", "area"])
@pytest.mark.parametrize("person", ["improvement_officer", "scrutiny_member"])
def test_pages_ask_as_many_queries_for_many_actions_as_for_one(
    client, request, visit, area, page, person
):
    client.force_login(request.getfixturevalue(person))
    url = (visit if page == "visit" else area).get_absolute_url()
    findings = [factories.FindingFactory(visit=visit, area=area) for _ in range(3)]
    owner = factories.UserFactory()
    for finding in findings:
        make_actions([(Status.IN_PROGRESS, 5)], finding, area, owner)
    client.get(url)  # sessions and permissions are cached from here on
    few = queries_for(client, url)

    statuses = list(Status)
    for finding in findings:
        make_actions(
            [(statuses[n % 4], n - 20) for n in range(60)], finding, area, factories.UserFactory()
        )
    many = queries_for(client, url)
    assert ImprovementAction.objects.count() == 183
    assert many == few
