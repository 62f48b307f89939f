"""The iCalendar feed of a person's own open actions: valid RFC 5545 that a
calendar library reads back, one all-day event per open action on its due date,
CRLF line endings and long lines folded at 75 octets; opened by a calendar token
only."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from actions.models import Status
from progress.feeds import fold, ical_text
from progress.models import FeedToken

from .. import factories

pytestmark = pytest.mark.django_db

URL = reverse("progress:feed_calendar")
CALENDAR = FeedToken.Purpose.CALENDAR


@pytest.fixture
def owner_actions(action_owner):
    return [
        factories.ImprovementActionFactory(
            owner=action_owner, reference="A-001", due_date=datetime.date(2025, 3, 31)
        ),
        factories.ImprovementActionFactory(
            owner=action_owner,
            reference="A-002",
            # Long and full of characters the format reserves, and some that take
            # several bytes each, so the line must be folded between characters.
            title="Review, with partners; the front door's “threshold” — " * 3,
            status=Status.BLOCKED,
            due_date=datetime.date(2025, 6, 1),
        ),
        factories.ImprovementActionFactory(
            owner=action_owner,
            reference="A-003",
            status=Status.COMPLETED,
            completed_on=datetime.date.today(),
        ),
        # Someone else's action is not in this person's calendar.
        factories.ImprovementActionFactory(reference="A-004"),
    ]


@pytest.fixture
def calendar_text(client, action_owner, owner_actions):
    _token, key = FeedToken.issue(action_owner, CALENDAR)
    response = client.get(URL, {"token": key})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content.decode("utf-8")


def test_it_is_a_calendar(calendar_text):
    assert calendar_text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert calendar_text.endswith("END:VCALENDAR\r\n")


def test_every_line_ends_with_crlf(calendar_text):
    assert "\n" not in calendar_text.replace("\r\n", "")
    assert "\r" not in calendar_text.replace("\r\n", "")


def test_no_line_is_longer_than_75_octets(calendar_text):
    lines = calendar_text.split("\r\n")
    assert max(len(line.encode()) for line in lines) <= 75
    assert any(line.startswith(" ") for line in lines), "the long title was not folded"


def test_it_has_one_all_day_event_per_open_action_on_its_due_date(calendar_text):
    events = icalendar.Calendar.from_ical(calendar_text).walk("VEVENT")
    assert {event.decoded("DTSTART") for event in events} == {
        datetime.date(2025, 3, 31),
        datetime.date(2025, 6, 1),
    }
    assert calendar_text.count("BEGIN:VEVENT") == 2
    assert "DTSTART;VALUE=DATE:20250331\r\n" in calendar_text
    assert "DTEND;VALUE=DATE:20250401\r\n" in calendar_text


def test_the_text_reads_back_as_written(calendar_text, owner_actions):
    events = icalendar.Calendar.from_ical(calendar_text).walk("VEVENT")
    summaries = {str(event["SUMMARY"]) for event in events}
    assert f"A-002 due: {owner_actions[1].title}" in summaries


def test_each_event_has_a_stable_uid_and_a_stamp(calendar_text, owner_actions):
    events = icalendar.Calendar.from_ical(calendar_text).walk("VEVENT")
    uids = {str(event["UID"]) for event in events}
    assert uids == {
        f"action-{owner_actions[0].pk}@testserver",
        f"action-{owner_actions[1].pk}@testserver",
    }
    assert all(event.decoded("DTSTAMP").tzinfo is not None for event in events)


def test_a_data_token_does_not_open_the_calendar(client, action_owner):
    _token, key = FeedToken.issue(action_owner, FeedToken.Purpose.DATA_FEED)
    assert client.get(URL, {"token": key}).status_code == 401


def test_a_revoked_calendar_token_is_refused(client, action_owner):
    token, key = FeedToken.issue(action_owner, CALENDAR)
    token.revoked_at = token.created_at
    token.save()
    response = client.get(URL, {"token": key})
    assert response.status_code == 401
    assert b"VCALENDAR" not in response.content


def test_a_signed_in_session_alone_does_not_open_the_calendar(client, action_owner):
    client.force_login(action_owner)
    assert client.get(URL).status_code == 401


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert "".join(part[1:] if i else part for i, part in enumerate(parts)) == line


def test_reserved_characters_are_escaped():
    assert ical_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
