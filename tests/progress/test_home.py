"""The home page shows each person what needs them, one section for each part they
play, every item linking to its record and every figure to exactly its rows."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.roles import IMPROVEMENT_TEAM, SENIOR_LEADER
from actions.models import Impact, ImprovementAction, Status
from findings.models import RatingChoice
from progress import packs
from progress.home import LIST_LIMIT
from progress.models import CommitteePack
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 16)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2025, 6, 16, 12, 0, tzinfo=datetime.UTC)):
        yield TODAY


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def section(html, heading_id):
    """The HTML of one section of the home page, found by its heading's id."""
    match = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, flags=re.S
    )
    assert match, f"no section {heading_id}"
    return match.group(0)


def links(html):
    return re.findall(r'href="([^"]+)"', html.replace("&amp;", "&"))


def listed_rows(client, url):
    """The references of the actions a list page shows."""
    html = client.get(url).content.decode()
    return set(re.findall(r"\bA-\d{3}\b", html))


def action(owner=None, due=TODAY, status=Status.IN_PROGRESS, **kwargs):
    return factories.ImprovementActionFactory(owner=owner, due_date=due, status=status, **kwargs)


def days(n):
    return TODAY + datetime.timedelta(days=n)


def visit(started, published=None):
    """A two-day visit that started ``started`` days from today, its letter out
    ``published`` days from today (or not out)."""
    return factories.VisitFactory(
        start_date=days(started),
        end_date=days(started + 1),
        letter_date=days(started + 2),
        is_published=published is not None,
        published_on=None if published is None else days(published),
    )


# An action owner ----------------------------------------------------------------------


def test_an_owner_sees_their_overdue_due_soon_and_quiet_actions(client, action_owner):
    overdue = action(action_owner, due=days(-3))
    due_soon = action(action_owner, due=days(5))
    later = action(action_owner, due=days(60))
    action(factories.UserFactory(), due=days(-3))  # someone else's
    # Updated 40 days ago and never since: quiet for more than 30 days.
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        quiet = action(action_owner, due=days(90))
        factories.ActionUpdateFactory(action=quiet, author=action_owner)
    factories.ActionUpdateFactory(action=later, author=action_owner)
    factories.ActionUpdateFactory(action=overdue, author=action_owner)
    factories.ActionUpdateFactory(action=due_soon, author=action_owner)

    html = home(client, action_owner)
    owner = section(html, "home-owner")
    assert "You own 4 open actions" in owner
    for heading, expected in (
        ("home-owner-overdue", {overdue}),
        ("home-owner-due-soon", {due_soon}),
        ("home-owner-quiet", {quiet}),
    ):
        part = owner.split(f'id="{heading}"')[1].split("<h3")[0]
        shown = set(re.findall(r"\bA-\d{3}\b", part))
        assert shown == {a.reference for a in expected}, heading
        # Each action links to its page, and the figure to exactly its rows.
        for item in expected:
            assert reverse("actions:action_detail", args=[item.pk]) in part
        figure = links(part)[0]
        assert figure.startswith(reverse("actions:my_actions") + "?")
        assert listed_rows(client, figure) == {a.reference for a in expected}, figure
    assert "For senior leaders" not in html
    assert "For the improvement team" not in html


def test_an_owner_with_nothing_pressing_is_told_so(client, action_owner):
    action(action_owner, due=days(60))
    html = home(client, action_owner)
    assert "None of your actions is overdue." in html
    assert "None of your actions is due in the next 7 days." in html


def test_a_long_list_shows_its_first_entries_and_links_to_all(client, action_owner):
    for _ in range(LIST_LIMIT + 2):
        action(action_owner, due=days(-1))
    part = section(home(client, action_owner), "home-owner")
    assert f"{LIST_LIMIT + 2} overdue actions" in part
    assert f"the first {LIST_LIMIT} below" in part
    assert f"See all {LIST_LIMIT + 2} overdue actions" in part


# A senior leader ----------------------------------------------------------------------


def test_a_leader_sees_what_waits_for_sign_off_and_red_actions_by_area(client, senior_leader):
    front_door = factories.AreaOfConcernFactory(title="Front door")
    oversight = factories.AreaOfConcernFactory(title="Oversight")
    ready = action(
        factories.UserFactory(),
        due=days(-20),
        status=Status.COMPLETED,
        completed_on=days(-25),
        impact=Impact.EVIDENCED,
    )
    action(status=Status.COMPLETED, completed_on=days(-25), impact=Impact.EMERGING)
    red_two = action(due=days(-1))
    red_two.areas.set([front_door, oversight])
    action(status=Status.BLOCKED, due=days(40)).areas.set([front_door])
    action(due=days(-2))  # red, no area
    action(due=days(40)).areas.set([oversight])  # green

    html = home(client, senior_leader)
    leader = section(html, "home-leader")
    sign_off = leader.split('id="home-leader-sign-off"')[1].split("<h3")[0]
    assert set(re.findall(r"\bA-\d{3}\b", sign_off)) == {ready.reference}
    assert listed_rows(client, links(sign_off)[0]) == {ready.reference}
    # Done actions are told apart by when they were done and their impact, not a RAG
    # that every one of them shares.
    assert date_format(days(-25), "DATE_FORMAT") in sign_off
    assert "Evidenced" in sign_off
    assert "None (completed)" not in sign_off

    red = leader.split('id="home-leader-red"')[1].split("<h3")[0]
    assert "3 red actions" in red
    by_area = dict(re.findall(r'href="/areas/(\d+)/">([^<]+)</a>', red))
    assert set(by_area.values()) == {"Front door", "Oversight"}
    # The front door's count (2) comes first; each count lists exactly its actions.
    assert red.index("Front door") < red.index("Oversight")
    counts = [url for url in links(red) if "rag=red" in url]
    assert [len(listed_rows(client, url)) for url in counts] == [3, 2, 1, 1]
    assert "No area of concern" in red


def test_a_leader_sees_the_ten_areas_with_most_red_actions_of_how_many_have_any(
    client, senior_leader
):
    for number in range(LIST_LIMIT + 2):
        area = factories.AreaOfConcernFactory(title=f"Area {number:02d}")
        for _ in range(2 if number < LIST_LIMIT else 1):
            action(due=days(-1)).areas.set([area])
    red = section(home(client, senior_leader), "home-leader").split('id="home-leader-red"')[1]
    red = red.split("<h3")[0]
    assert f"the {LIST_LIMIT} areas with the most below, of {LIST_LIMIT + 2}" in red
    listed = re.findall(r'href="/areas/\d+/">(Area \d+)</a>', red)
    assert listed == [f"Area {number:02d}" for number in range(LIST_LIMIT)]


def test_a_leader_sees_the_weeks_changes_linked_to_the_audit_log(client, senior_leader):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10)):
        action(title="Changed long ago")
    recent = action(title="Changed this week")
    leader = section(home(client, senior_leader), "home-leader")
    changes = leader.split("Changed since")[1]
    assert "Changed this week" in changes
    assert "Changed long ago" not in changes
    total = re.search(r"(\d+) changes? in the last 7 days", changes).group(1)
    history = reverse("accounts:object_history", args=["actions", "improvementaction", recent.pk])
    assert history in changes
    audit = next(url for url in links(changes) if url.startswith(reverse("accounts:audit_log")))
    assert "since_0=10&since_1=6&since_2=2025" in audit
    # The figure is the number of changes the audit log shows for the week.
    assert f"{total} change" in client.get(audit).content.decode()


# The improvement team -----------------------------------------------------------------


def test_the_team_sees_unanswered_findings_unowned_actions_and_the_latest_visit(
    client, improvement_officer
):
    older = visit(-200, published=-150)
    latest = visit(-20)
    answered = factories.FindingFactory(visit=latest, summary="Answered already")
    unanswered = factories.FindingFactory(visit=latest, summary="Nobody has answered this")
    factories.FindingFactory(visit=older, summary="An older unanswered finding")
    action(factories.UserFactory()).findings.set([answered])
    unowned = action(None, title="Nobody owns this")

    html = home(client, improvement_officer)
    team = section(html, "home-team")
    assert "2 findings have no action yet" in team
    assert f"{latest.get_absolute_url()}#finding-{unanswered.pk}" in team
    assert "Answered already" not in team
    assert "Not published yet" in team
    assert "2 findings, 1 with no action yet" in team
    unowned_part = team.split('id="home-team-unowned"')[1]
    assert unowned.reference in unowned_part
    assert listed_rows(client, links(unowned_part)[0]) == {unowned.reference}


def test_the_team_is_shown_an_import_waiting_for_review(client, improvement_officer):
    client.force_login(improvement_officer)
    session = client.session
    session["findings_import_draft"] = {
        "token": "abc",
        "kind": "letter",
        "authority_id": 1,
        "text": "A letter",
        "sha256": "0" * 64,
        "original_name": "letter-2024-03.txt",
    }
    session.save()
    team = section(client.get(reverse("home")).content.decode(), "home-team")
    assert "An import of letter-2024-03.txt is waiting for your review" in team
    assert reverse("findings:import_review") in team


# A councillor -------------------------------------------------------------------------


def test_a_councillor_sees_only_published_letters_and_ratings(client, scrutiny_member):
    inspection = factories.InspectionFactory(published_on=days(-900))
    area = factories.AreaOfConcernFactory(identified_at=inspection, title="Front door")
    published = visit(-100, published=-60)
    unpublished = visit(-10)
    factories.AreaRatingFactory(visit=published, area=area, rating=RatingChoice.IMPROVED)
    factories.AreaRatingFactory(visit=unpublished, area=area, rating=RatingChoice.DECLINED)

    html = home(client, scrutiny_member)
    councillor = section(html, "home-councillor")
    assert reverse("progress:letter_detail", args=[published.pk]) in councillor
    assert reverse("progress:letter_detail", args=[unpublished.pk]) not in councillor
    assert "improved" in councillor
    assert "declined" not in councillor
    assert reverse("progress:scrutiny_area", args=[area.pk]) in councillor
    assert "For the improvement team" not in html
    assert "Your actions" not in html


def test_a_councillors_latest_letter_is_the_newest_even_when_its_publication_date_is_unknown(
    client, scrutiny_member
):
    # Older records say a letter is out without saying when it came out: the newest
    # letter is still the newest, on either database (they sort a missing date
    # at opposite ends).
    older = visit(-400, published=-350)
    newer = visit(-100)
    newer.is_published = True
    newer.save()
    factories.VisitFactory(
        start_date=days(-10),
        end_date=days(-9),
        letter_date=None,
        is_published=False,
        published_on=None,
    )

    councillor = section(home(client, scrutiny_member), "home-councillor")
    latest = re.search(r"The latest published letter.*?href=\"([^\"]+)\"", councillor, re.S)

    assert latest.group(1) == reverse("progress:letter_detail", args=[newer.pk])
    assert reverse("progress:letter_detail", args=[older.pk]) not in councillor


def test_a_councillor_sees_areas_moved_since_the_last_pack_and_the_next_pack(
    client, scrutiny_member, improvement_officer
):
    inspection = factories.InspectionFactory(published_on=days(-900))
    before = factories.AreaOfConcernFactory(identified_at=inspection, title="Rated before the pack")
    after = factories.AreaOfConcernFactory(identified_at=inspection, title="Rated after the pack")
    shown = visit(-200, published=-150)
    factories.AreaRatingFactory(visit=shown, area=before, rating=RatingChoice.IMPROVED)
    last = packs.freeze(
        CommitteePack(title="March committee", committee_date=days(-90)), improvement_officer
    )
    new = visit(-30, published=-5)
    factories.AreaRatingFactory(visit=new, area=after, rating=RatingChoice.DECLINED)
    factories.AreaRatingFactory(visit=new, area=before, rating=RatingChoice.NO_CHANGE)
    coming = packs.freeze(
        CommitteePack(title="July committee", committee_date=days(20)), improvement_officer
    )

    councillor = section(home(client, scrutiny_member), "home-councillor")
    moved = councillor.split('id="home-councillor-moved"')[1].split("<h3")[0]
    assert "Rated after the pack" in moved
    assert "Rated before the pack" not in moved
    assert "1 rating shows an area moving" in moved
    assert reverse("progress:pack_detail", args=[last.pk]) in moved
    next_part = councillor.split("The next committee pack")[1]
    assert reverse("progress:pack_detail", args=[coming.pk]) in next_part


# Every role, and the queries ------------------------------------------------------------


def test_someone_with_several_roles_sees_a_section_for_each(client):
    person = factories.UserFactory(role=IMPROVEMENT_TEAM)
    person.groups.add(Group.objects.get(name=SENIOR_LEADER))
    action(person, due=days(-1))
    html = home(client, person)
    for heading in ("home-owner", "home-leader", "home-team"):
        section(html, heading)


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_an_owners_home_runs_the_same_queries_at_any_size(client, action_owner):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured)

    client.force_login(action_owner)
    for n in range(3):
        action(action_owner, due=days(n - 1))
    client.get(reverse("home"))
    small = queries()
    for n in range(60):
        factories.ActionUpdateFactory(action=action(action_owner, due=days(n - 30)))
    assert ImprovementAction.objects.filter(owner=action_owner).count() == 63
    assert queries() == small
