"""The action list: each filter, each sort, pagination, filters kept in every link,
bad values answered with a message rather than an error page, and the same number
of queries whatever the number of actions."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.filters import split_typed_date
from actions.models import ImprovementAction, Priority, Status

from .. import factories

pytestmark = pytest.mark.django_db

URL = reverse("actions:action_list")
TODAY = datetime.date.today()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def references(response):
    """The references in the table, in the order shown."""
    return [action.reference for action in response.context["actions"]]


def links(response):
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', response.content.decode())]


def make(reference, **kwargs):
    kwargs.setdefault("due_date", days(60))
    return factories.ImprovementActionFactory(reference=reference, **kwargs)


def test_it_lists_actions_for_the_improvement_team(team):
    make("A-001", title="Strengthen supervision")
    response = team.get(URL)
    assert response.status_code == 200
    assert references(response) == ["A-001"]
    assert "Strengthen supervision" in response.content.decode()


def test_it_refuses_someone_with_no_role(client, action_owner):
    client.force_login(action_owner)
    assert client.get(URL).status_code == 403


def test_it_sends_anonymous_people_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response.url


def test_it_shows_the_rag_as_a_tag_with_its_word(team):
    make("A-001", due_date=days(-1))
    content = team.get(URL).content.decode()
    assert re.search(r'<strong class="govuk-tag app-rag--red">\s*Red\s*</strong>', content)


def test_it_filters_by_status(team):
    make("A-001", status=Status.BLOCKED)
    make("A-002", status=Status.IN_PROGRESS)
    assert references(team.get(URL, {"status": "blocked"})) == ["A-001"]


def test_it_filters_by_rag(team):
    make("A-001", due_date=days(-3))  # red: overdue
    make("A-002", due_date=days(5))  # amber: not started, due soon
    make("A-003", due_date=days(60))  # green
    assert references(team.get(URL, {"rag": "amber"})) == ["A-002"]


def test_it_filters_by_owner(team, action_owner):
    make("A-001", owner=action_owner)
    make("A-002")
    assert references(team.get(URL, {"owner": action_owner.pk})) == ["A-001"]


def test_it_filters_actions_with_no_owner(team):
    make("A-001", owner=None)
    make("A-002")
    assert references(team.get(URL, {"owner": "none"})) == ["A-001"]


def test_it_filters_by_area_of_concern_listing_each_action_once(team):
    area, other = factories.AreaOfConcernFactory(), factories.AreaOfConcernFactory()
    linked = make("A-001")
    linked.areas.add(area, other)
    make("A-002").areas.add(other)
    assert references(team.get(URL, {"area": area.pk})) == ["A-001"]
    assert references(team.get(URL, {"area": other.pk})) == ["A-001", "A-002"]


def test_it_filters_by_due_on_or_before_with_govuk_date_boxes(team):
    make("A-001", due_date=datetime.date(2030, 3, 31))
    make("A-002", due_date=datetime.date(2030, 4, 1))
    response = team.get(URL, {"due_before_0": "31", "due_before_1": "3", "due_before_2": "2030"})
    assert references(response) == ["A-001"]


def test_it_filters_by_due_on_or_after_with_govuk_date_boxes(team):
    make("A-001", due_date=datetime.date(2030, 3, 31))
    make("A-002", due_date=datetime.date(2030, 4, 1))
    response = team.get(URL, {"due_after_0": "1", "due_after_1": "4", "due_after_2": "2030"})
    assert references(response) == ["A-002"]


def test_it_filters_by_a_due_date_typed_as_day_month_year(team):
    make("A-001", due_date=datetime.date(2030, 3, 31))
    make("A-002", due_date=datetime.date(2030, 4, 1))
    assert references(team.get(URL, {"due_before": "31/03/2030"})) == ["A-001"]


def test_it_fills_the_date_boxes_from_a_typed_date(team):
    response = team.get(URL, {"due_after": "1/4/2030"})
    content = response.content.decode()
    assert re.search(
        r'name="due_after_2"[^>]*value="2030"|value="2030"[^>]*name="due_after_2"', content
    )


def test_it_filters_overdue_only(team):
    make("A-001", due_date=days(-1))
    make("A-002", due_date=days(-1), status=Status.COMPLETED, completed_on=days(-2))
    make("A-003", due_date=days(10))
    assert references(team.get(URL, {"overdue": "on"})) == ["A-001"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("reference", "A-002"), ("title", "caseload"), ("description", "PARTNERS")],
)
def test_it_searches_reference_title_and_description(team, field, value):
    make("A-001", title="Something else")
    make("A-002", title="Reduce caseloads", description="Work with partners")
    response = team.get(URL, {"q": value})
    assert references(response) == ["A-002"]


def test_it_combines_filters(team, action_owner):
    make("A-001", owner=action_owner, status=Status.BLOCKED)
    make("A-002", owner=action_owner, status=Status.IN_PROGRESS)
    make("A-003", status=Status.BLOCKED)
    response = team.get(URL, {"owner": action_owner.pk, "status": "blocked"})
    assert references(response) == ["A-001"]


@pytest.fixture
def sortable():
    """Three actions whose order differs on every sort key."""
    owners = {name: factories.UserFactory(full_name=name) for name in ["Cara", "Abel", "Bea"]}
    make(
        "A-001",
        owner=owners["Bea"],
        due_date=days(30),
        status=Status.IN_PROGRESS,
        priority=Priority.LOW,
    )
    make(
        "A-002",
        owner=owners["Cara"],
        due_date=days(-5),
        status=Status.NOT_STARTED,
        priority=Priority.MEDIUM,
    )
    make(
        "A-003",
        owner=owners["Abel"],
        due_date=days(3),
        status=Status.BLOCKED,
        priority=Priority.HIGH,
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("reference", ["A-001", "A-002", "A-003"]),
        ("-reference", ["A-003", "A-002", "A-001"]),
        ("due_date", ["A-002", "A-003", "A-001"]),
        ("-due_date", ["A-001", "A-003", "A-002"]),
        # A-002 red (overdue), A-003 red (blocked), A-001 green: ties by reference.
        ("rag", ["A-002", "A-003", "A-001"]),
        ("-rag", ["A-001", "A-002", "A-003"]),
        ("status", ["A-002", "A-001", "A-003"]),
        ("-status", ["A-003", "A-001", "A-002"]),
        ("owner", ["A-003", "A-001", "A-002"]),
        ("-owner", ["A-002", "A-001", "A-003"]),
        ("priority", ["A-003", "A-002", "A-001"]),
        ("-priority", ["A-001", "A-002", "A-003"]),
    ],
)
def test_it_sorts(team, sortable, sort, expected):
    assert references(team.get(URL, {"sort": sort})) == expected


def test_it_sorts_by_rag_rank_with_amber_between_red_and_green(team):
    make("A-001", due_date=days(60))  # green
    make("A-002", due_date=days(5))  # amber
    make("A-003", due_date=days(-1))  # red
    assert references(team.get(URL, {"sort": "rag"})) == ["A-003", "A-002", "A-001"]


def test_it_reverses_the_sorted_column_when_its_heading_is_chosen_again(team, sortable):
    response = team.get(URL, {"sort": "due_date"})
    heading_links = [link for link in links(response) if "sort=" in link]
    assert "?sort=-due_date" in heading_links
    assert 'aria-sort="ascending"' in response.content.decode()


@pytest.mark.parametrize("sort", ["bogus", "-", "--due_date", "due_date;drop", "\x00"])
def test_it_ignores_an_unknown_sort_key(team, sortable, sort):
    response = team.get(URL, {"sort": sort})
    assert response.status_code == 200
    assert references(response) == ["A-001", "A-002", "A-003"]


@pytest.fixture
def thirty_actions():
    for number in range(1, 31):
        make(f"A-{number:03d}")


def test_it_shows_25_actions_a_page(team, thirty_actions):
    response = team.get(URL)
    assert references(response) == [f"A-{n:03d}" for n in range(1, 26)]


def test_it_shows_the_next_page(team, thirty_actions):
    response = team.get(URL, {"page": "2"})
    assert references(response) == [f"A-{n:03d}" for n in range(26, 31)]
    assert 'class="govuk-pagination"' in response.content.decode()


@pytest.mark.parametrize(
    ("page", "first"),
    [("abc", "A-001"), ("0", "A-026"), ("99", "A-026"), ("-1", "A-026"), ("1.5", "A-001")],
)
def test_it_answers_a_bad_page_number_with_a_page_not_an_error(team, thirty_actions, page, first):
    response = team.get(URL, {"page": page})
    assert response.status_code == 200
    assert references(response)[0] == first


def test_it_keeps_filters_and_sort_in_page_links(team, thirty_actions):
    response = team.get(URL, {"status": "not_started", "q": "A-0", "sort": "-due_date"})
    page_links = [link for link in links(response) if "page=" in link]
    assert page_links
    for link in page_links:
        query = parse_qs(urlsplit(link).query)
        assert query["status"] == ["not_started"]
        assert query["q"] == ["A-0"]
        assert query["sort"] == ["-due_date"]


def test_it_keeps_filters_in_sort_links_and_goes_back_to_the_first_page(team, thirty_actions):
    response = team.get(URL, {"status": "not_started", "overdue": "", "page": "2"})
    sort_links = [link for link in links(response) if link.startswith("?sort=") or "&sort=" in link]
    sort_links = [link for link in sort_links if "page=" not in link]
    assert len(sort_links) == 6
    for link in sort_links:
        assert parse_qs(urlsplit(link).query)["status"] == ["not_started"]


def test_it_keeps_the_sort_when_filters_are_applied(team):
    response = team.get(URL, {"sort": "-priority"})
    assert re.search(
        r'<input type="hidden" name="sort" value="-priority">', response.content.decode()
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "finished"}, "Choose a status from the list"),
        ({"rag": "purple"}, "Choose a RAG rating from the list"),
        ({"owner": "999999"}, "Choose an owner from the list"),
        ({"owner": "x"}, "Choose an owner from the list"),
        ({"area": "999999"}, "Choose an area of concern from the list"),
        ({"due_before": "next tuesday"}, "The latest due date must be a real date"),
        ({"due_after": "31/02/2030"}, "The earliest due date must be a real date"),
        ({"due_after_0": "31", "due_after_1": "2", "due_after_2": "2030"}, "must be a real date"),
        ({"due_after_0": "x", "due_after_1": "2", "due_after_2": "2030"}, "Enter a valid date"),
        (
            {"due_before_0": "1", "due_before_1": "1", "due_before_2": "2999"},
            "between 1990 and 2100",
        ),
        ({"q": "x" * 201}, "Search must be 200 characters or fewer"),
        ({"q": "nul\x00byte"}, "Null characters are not allowed"),
    ],
)
def test_it_shows_an_error_for_a_bad_filter_value_and_still_lists(team, params, message):
    make("A-001")
    response = team.get(URL, params)
    content = unescape(response.content.decode())
    assert response.status_code == 200
    assert "There is a problem" in content
    assert message in content
    assert "<title>Error: " in content
    # The bad filter is left out; the list still shows.
    assert references(response) == ["A-001"]


def test_it_keeps_the_good_filters_when_one_is_bad(team):
    make("A-001", status=Status.BLOCKED)
    make("A-002")
    response = team.get(URL, {"status": "blocked", "rag": "purple"})
    assert references(response) == ["A-001"]


def test_it_refuses_a_reversed_date_range(team):
    make("A-001", due_date=datetime.date(2030, 6, 1))
    response = team.get(URL, {"due_after": "1/7/2030", "due_before": "1/5/2030"})
    assert "must be the same as or after the earliest due date" in unescape(
        response.content.decode()
    )


def test_it_shows_no_error_on_a_first_visit(team):
    response = team.get(URL)
    assert "There is a problem" not in response.content.decode()
    assert "<title>Error: " not in response.content.decode()


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("27/03/2024", ["27", "03", "2024"]),
        ("1/4/2030", ["1", "4", "2030"]),
        ("2024-03-27", ["27", "03", "2024"]),
        ("27 March 2024", None),
        ("", None),
    ],
)
def test_it_reads_a_typed_date(text, parts):
    assert split_typed_date(text) == parts


def test_it_shows_scrutiny_members_owners_by_job_title(client, scrutiny_member, action_owner):
    make("A-001", owner=action_owner)
    client.force_login(scrutiny_member)
    response = client.get(URL)
    content = response.content.decode()
    assert action_owner.job_title in content
    assert action_owner.full_name not in content
    assert action_owner.email not in content
    assert "Add an action" not in content


def test_it_offers_the_improvement_team_an_add_button(team):
    assert reverse("actions:action_create") in team.get(URL).content.decode()


@pytest.fixture
def three_owners():
    """Three owners with an action each, told apart by name, address and job title."""
    owners = {
        "priya": factories.UserFactory(
            full_name="Priya Shah", email="p.shah@council.example", job_title="Head of Service"
        ),
        "sam": factories.UserFactory(
            full_name="Sam Okafor", email="sam.o@council.example", job_title="Practice Lead"
        ),
        "jo": factories.UserFactory(
            full_name="Jo Smithson", email="jo.smithson@council.example", job_title="Team manager"
        ),
    }
    make("A-001", owner=owners["priya"])
    make("A-002", owner=owners["sam"])
    make("A-003", owner=owners["jo"])
    make("A-004", owner=None)
    return owners


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("shah", ["A-001"]),  # part of a name, any case
        ("SAM.O@", ["A-002"]),  # part of an e-mail address
        ("council.example", ["A-001", "A-002", "A-003"]),  # every owner, none of no one's
        ("nobody like this", []),
    ],
)
def test_it_finds_owners_by_part_of_their_name_or_address(team, three_owners, typed, expected):
    response = team.get(URL, {"owner_name": typed})
    assert not response.context["form"].errors
    assert references(response) == expected


def test_it_combines_an_owner_search_with_the_other_filters(team, three_owners):
    make("A-005", owner=three_owners["priya"], status=Status.BLOCKED)
    response = team.get(URL, {"owner_name": "priya", "status": "blocked"})
    assert references(response) == ["A-005"]


def test_a_scrutiny_member_finds_owners_by_job_title_and_never_by_name(
    client, scrutiny_member, three_owners
):
    client.force_login(scrutiny_member)
    assert references(client.get(URL, {"owner_name": "practice"})) == ["A-002"]
    # A name they are never shown must not be findable by guessing it.
    assert references(client.get(URL, {"owner_name": "Okafor"})) == []
    assert references(client.get(URL, {"owner_name": "sam.o@"})) == []
    assert "Owner's job title" in unescape(client.get(URL).content.decode())


def test_it_no_longer_lists_every_owner_in_the_filter(team, three_owners):
    response = team.get(URL)
    form = response.context["form"]
    assert form.fields["owner"].choices == [("", "Anyone"), ("none", "No owner yet")]
    content = response.content.decode()
    # Each owner appears once, in their action's row, and nowhere in the filter.
    for owner in three_owners.values():
        assert content.count(owner.full_name) == 1
    assert 'name="owner_name"' in content


def test_the_owner_in_a_link_is_offered_as_the_chosen_radio(team, three_owners):
    sam = three_owners["sam"]
    response = team.get(URL, {"owner": sam.pk, "overdue": ""})
    assert references(response) == ["A-002"]
    assert (str(sam.pk), "Sam Okafor") in response.context["form"].fields["owner"].choices
    content = response.content.decode()
    chosen = re.search(rf'<input[^>]*value="{sam.pk}"[^>]*>', content, flags=re.S)
    assert chosen and 'checked="checked"' in chosen.group(0)
    assert "Sam Okafor" in content


def test_anyone_is_chosen_when_no_owner_is_given(team, three_owners):
    content = team.get(URL, {"status": "in_progress"}).content.decode()
    anyone = re.search(r'<input[^>]*name="owner"[^>]*value=""[^>]*>', content, flags=re.S)
    assert anyone and 'checked="checked"' in anyone.group(0)


def test_a_scrutiny_member_sees_the_chosen_owner_by_job_title(
    client, scrutiny_member, three_owners
):
    client.force_login(scrutiny_member)
    priya = three_owners["priya"]
    response = client.get(URL, {"owner": priya.pk})
    assert references(response) == ["A-001"]
    content = response.content.decode()
    assert "Priya Shah" not in content
    assert "Head of Service" in content


@pytest.mark.parametrize("value", ["9" * 30, "²", "-1", "1.5"])
def test_it_refuses_an_owner_that_is_no_number_it_could_hold(team, three_owners, value):
    response = team.get(URL, {"owner": value})
    assert response.status_code == 200
    assert "Choose an owner from the list" in unescape(response.content.decode())
    assert references(response) == ["A-001", "A-002", "A-003", "A-004"]


def test_it_refuses_someone_who_owns_no_action_as_the_owner(team, three_owners):
    idle = factories.UserFactory(full_name="Ida Idle")
    response = team.get(URL, {"owner": idle.pk})
    assert "Choose an owner from the list" in unescape(response.content.decode())
    assert "Ida Idle" not in response.content.decode()


def test_it_refuses_an_owner_search_that_is_too_long(team):
    response = team.get(URL, {"owner_name": "x" * 201})
    assert "Owner's name or e-mail address must be 200 characters or fewer" in unescape(
        response.content.decode()
    )


def _bulk_actions(count):
    owners = [factories.UserFactory() for _ in range(5)]
    areas = [factories.AreaOfConcernFactory() for _ in range(3)]
    actions = ImprovementAction.objects.bulk_create(
        ImprovementAction(
            reference=f"A-{number:04d}",
            title=f"Action {number}",
            owner=owners[number % len(owners)],
            due_date=days(number % 90 - 30),
            status=[Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED][number % 3],
        )
        for number in range(1, count + 1)
    )
    links = ImprovementAction.areas.through
    links.objects.bulk_create(
        links(improvementaction_id=action.pk, areaofconcern_id=areas[index % 3].pk)
        for index, action in enumerate(actions)
    )
    return owners, areas


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "-rag", "page": "2"},
        {"sort": "owner", "status": "in_progress", "q": "Action", "overdue": "on"},
        {"area": "AREA", "owner": "OWNER", "due_after": "1/1/2000"},
        {"owner_name": "Person", "sort": "-due_date"},
    ],
    ids=["plain", "sorted-page-2", "filtered", "area-and-owner", "owner-search"],
)
def test_it_runs_the_same_number_of_queries_for_10_and_1000_actions(
    client, improvement_officer, params
):
    client.force_login(improvement_officer)

    def count_queries(count):
        ImprovementAction.areas.through.objects.all().delete()
        ImprovementAction.objects.all().delete()
        owners, areas = _bulk_actions(count)
        wanted = {
            key: (areas[0].pk if value == "AREA" else owners[0].pk if value == "OWNER" else value)
            for key, value in params.items()
        }
        client.get(URL, wanted)  # warm up: sessions, content types
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, wanted)
        assert response.status_code == 200
        assert response.context["actions"]
        return len(queries)

    assert count_queries(10) == count_queries(1000)
