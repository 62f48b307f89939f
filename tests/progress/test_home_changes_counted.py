"""A senior leader's home page counts the week's changes only so far: past that it
says there were more, so that its cost does not grow with the whole history."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from accounts.history import AuditFilters, AuditLog
from progress import home
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2025, 6, 16, 12, 0, tzinfo=datetime.UTC)):
        yield


def changes_paragraph(client, user):
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    return re.search(r"<p[^>]*>\s*<a[^>]*>([^<]*in the last 7 days)</a>", html).group(1)


def test_it_gives_the_count_when_the_week_holds_no_more_than_it_counts(
    client, senior_leader, monkeypatch
):
    factories.ImprovementActionFactory()
    counted = AuditLog(AuditFilters(since=datetime.date(2025, 6, 10))).count()
    monkeypatch.setattr(home, "CHANGES_COUNTED", counted)
    assert changes_paragraph(client, senior_leader) == (
        f"{counted} change{'s' if counted != 1 else ''} in the last 7 days"
    )


def test_it_says_more_than_it_counted_when_the_week_holds_more(client, senior_leader, monkeypatch):
    factories.ImprovementActionFactory()
    factories.ImprovementActionFactory()
    counted = AuditLog(AuditFilters(since=datetime.date(2025, 6, 10))).count()
    monkeypatch.setattr(home, "CHANGES_COUNTED", counted - 1)
    assert changes_paragraph(client, senior_leader) == (
        f"More than {counted - 1} changes in the last 7 days"
    )


def test_it_still_lists_the_newest_changes_after_a_bounded_count():
    factories.ImprovementActionFactory(title="The newest change")
    bounded = AuditLog(AuditFilters(since=datetime.date(2025, 6, 10)))
    assert bounded.count_up_to(1) == 1
    counted = AuditLog(bounded.filters)
    assert counted.count() > 1
    newest = [change.history_id for change in counted[0:5]]
    assert [change.history_id for change in bounded[0:5]] == newest


def test_its_bounded_count_is_the_full_count_below_the_bound():
    factories.ImprovementActionFactory()
    factories.ImprovementActionFactory()
    log = AuditLog(AuditFilters(since=datetime.date(2025, 6, 10)))
    assert log.count_up_to(10_000) == AuditLog(log.filters).count()
