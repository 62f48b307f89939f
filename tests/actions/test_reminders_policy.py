"""The reminder policy, with the clock moved (time-machine): which days digests
go out, what each person's digest lists, and that nobody gets an empty one."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from accounts.models import User
from actions import reminders
from actions.models import Status
from tests.factories import ActionUpdateFactory, ImprovementActionFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
# Tuesday 5 March 2024, the first day of Devon's seventh monitoring visit.
DAY = dt.date(2024, 3, 5)


def at(day, hour=7, minute=0):
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def days(n):
    return dt.timedelta(days=n)


@pytest.fixture
def created_long_ago():
    """Actions made inside this block were created 90 days before DAY."""
    return time_machine.travel(at(DAY - days(90), 10), tick=False)


@pytest.fixture
def owner(db):
    return UserFactory(full_name="Owen Owner", email="owen@council.example")


def action(owner, due, created=None, **kwargs):
    """An action due ``due`` days after DAY (negative: overdue), created
    ``created`` days before DAY (default: yesterday, so not stale)."""
    with time_machine.travel(at(DAY - days(created or 1), 10), tick=False):
        return ImprovementActionFactory(owner=owner, due_date=DAY + days(due), **kwargs)


def plans_by_address():
    return {plan.address: plan for plan in reminders.plan_digests(DAY)}


def plan_for(user):
    return plans_by_address().get(user.email)


# When -------------------------------------------------------------------------


def test_it_is_due_on_a_weekday_from_seven_in_the_morning_london_time():
    assert reminders.reminder_day(at(DAY, 6, 59)) is None
    assert reminders.reminder_day(at(DAY, 7, 0)) == DAY
    assert reminders.reminder_day(at(DAY, 16, 30)) == DAY


def test_it_follows_london_time_in_summer():
    # 06:30 UTC is 07:30 in London in July (BST); 05:59 UTC is 06:59.
    july = dt.date(2024, 7, 2)
    assert reminders.reminder_day(dt.datetime(2024, 7, 2, 6, 30, tzinfo=dt.UTC)) == july
    assert reminders.reminder_day(dt.datetime(2024, 7, 2, 5, 59, tzinfo=dt.UTC)) is None


def test_it_reads_the_clock_when_not_told_the_time():
    with time_machine.travel(at(DAY, 7, 1), tick=False):
        assert reminders.reminder_day() == DAY
    with time_machine.travel(at(DAY, 6, 0), tick=False):
        assert reminders.reminder_day() is None


@pytest.mark.parametrize("weekend", [dt.date(2024, 3, 9), dt.date(2024, 3, 10)])
def test_it_sends_nothing_at_weekends(owner, weekend):
    action(owner, due=-30)
    assert not reminders.is_working_day(weekend)
    assert reminders.reminder_day(at(weekend, 9)) is None
    assert reminders.plan_digests(weekend) == []


@pytest.mark.parametrize(
    "holiday",
    [
        dt.date(2024, 1, 1),  # New Year's Day
        dt.date(2024, 3, 29),  # Good Friday
        dt.date(2024, 4, 1),  # Easter Monday
        dt.date(2024, 5, 6),  # Early May bank holiday
        dt.date(2024, 5, 27),  # Spring bank holiday
        dt.date(2024, 8, 26),  # Summer bank holiday (England and Wales, not Scotland's)
        dt.date(2024, 12, 25),
        dt.date(2024, 12, 26),
        dt.date(2023, 5, 8),  # the King's coronation
    ],
)
def test_it_sends_nothing_on_england_and_wales_bank_holidays(owner, holiday):
    action(owner, due=-30)
    assert holiday.weekday() < 5
    assert not reminders.is_working_day(holiday)
    with time_machine.travel(at(holiday, 7), tick=False):
        assert reminders.reminder_day() is None
    assert reminders.plan_digests(holiday) == []


def test_it_sends_on_scotlands_bank_holiday_which_is_not_englands():
    # The first Monday of August is a bank holiday in Scotland only.
    assert reminders.is_working_day(dt.date(2024, 8, 5))


def test_it_sends_on_the_working_day_after_a_bank_holiday(owner):
    overdue = action(owner, due=-30)
    tuesday = dt.date(2024, 4, 2)  # after Easter Monday
    assert reminders.is_working_day(tuesday)
    [plan] = [p for p in reminders.plan_digests(tuesday) if p.recipient_id == owner.pk]
    assert plan.overdue == [overdue.pk]


# What: the owner's own actions -----------------------------------------------


def test_it_lists_overdue_actions(owner):
    yesterday = action(owner, due=-1)
    long_ago = action(owner, due=-40)
    assert plan_for(owner).overdue == [long_ago.pk, yesterday.pk]


def test_due_soon_means_today_up_to_seven_days_ahead(owner):
    today = action(owner, due=0)
    in_seven = action(owner, due=7)
    action(owner, due=8)
    plan = plan_for(owner)
    assert plan.due_soon == [today.pk, in_seven.pk]
    assert plan.overdue == []


def test_someone_who_switched_off_due_soon_hears_only_of_the_rest(owner):
    owner.reminders_due_soon = False
    owner.save()
    overdue = action(owner, due=-2)
    action(owner, due=3)
    plan = plan_for(owner)
    assert plan.overdue == [overdue.pk]
    assert plan.due_soon == []


def test_someone_who_switched_off_due_soon_and_has_nothing_else_gets_nothing(owner):
    User.objects.filter(pk=owner.pk).update(reminders_due_soon=False)
    action(owner, due=3)
    assert plan_for(owner) is None


def test_an_action_with_no_update_for_thirty_days_is_stale(owner):
    stale = action(owner, due=60, created=90)
    fresh = action(owner, due=60, created=90)
    # Last updates at 23:00 on day -30 and at 00:30 on day -29, London time.
    with time_machine.travel(at(DAY - days(30), 23), tick=False):
        ActionUpdateFactory(action=stale)
    with time_machine.travel(at(DAY - days(29), 0, 30), tick=False):
        ActionUpdateFactory(action=fresh)
    assert plan_for(owner).stale == [stale.pk]


def test_an_action_never_updated_counts_from_when_it_was_created(owner):
    thirty = action(owner, due=60, created=30)
    action(owner, due=60, created=29)
    assert plan_for(owner).stale == [thirty.pk]


def test_an_action_is_listed_once_in_the_first_part_it_fits(owner):
    overdue_and_stale = action(owner, due=-5, created=90)
    due_soon_and_stale = action(owner, due=2, created=90)
    plan = plan_for(owner)
    assert plan.overdue == [overdue_and_stale.pk]
    assert plan.due_soon == [due_soon_and_stale.pk]
    assert plan.stale == []


def test_a_stale_action_due_soon_is_still_listed_for_someone_who_switched_off_due_soon(owner):
    User.objects.filter(pk=owner.pk).update(reminders_due_soon=False)
    stale_due_soon = action(owner, due=2, created=90)
    assert plan_for(owner).stale == [stale_due_soon.pk]


def test_completed_actions_are_never_listed(owner):
    action(owner, due=-30, created=90, status=Status.COMPLETED, completed_on=DAY - days(31))
    assert plan_for(owner) is None


def test_nobody_gets_an_empty_digest(owner):
    action(owner, due=60)
    UserFactory()  # owns nothing
    assert reminders.plan_digests(DAY) == []


def test_someone_who_has_left_gets_no_digest(owner):
    User.objects.filter(pk=owner.pk).update(is_active=False)
    action(owner, due=-3)
    assert plan_for(owner) is None


# What: escalation ---------------------------------------------------------------


@pytest.fixture
def manager(db):
    return UserFactory(full_name="Mary Manager", email="mary@council.example")


def test_a_line_manager_hears_of_actions_overdue_by_more_than_fourteen_days(owner, manager):
    owner.line_manager = manager
    owner.save()
    fifteen = action(owner, due=-15)
    fourteen = action(owner, due=-14)
    assert plan_for(manager).escalated == [fifteen.pk]
    assert plan_for(owner).overdue == [fifteen.pk, fourteen.pk]


def test_a_manager_gets_their_own_reminders_and_their_teams_in_one_digest(owner, manager):
    owner.line_manager = manager
    owner.save()
    theirs = action(manager, due=-1)
    reports = action(owner, due=-20)
    plans = reminders.plan_digests(DAY)
    mary = [plan for plan in plans if plan.address == manager.email]
    assert len(mary) == 1
    assert mary[0].overdue == [theirs.pk]
    assert mary[0].escalated == [reports.pk]


def test_only_direct_reports_are_escalated(owner, manager):
    director = UserFactory(email="director@council.example")
    manager.line_manager = director
    manager.save()
    owner.line_manager = manager
    owner.save()
    late = action(owner, due=-20)
    assert plan_for(manager).escalated == [late.pk]
    assert plan_for(director) is None


@override_settings(IMPROVEMENT_TEAM_MAILBOX="improvement@council.example")
def test_without_a_line_manager_it_escalates_to_the_improvement_teams_mailbox(owner):
    late = action(owner, due=-20)
    team = plans_by_address()["improvement@council.example"]
    assert team.recipient_id is None
    assert team.escalated == [late.pk]


@override_settings(IMPROVEMENT_TEAM_MAILBOX="improvement@council.example")
def test_a_line_manager_who_has_left_is_passed_over_for_the_mailbox(owner, manager):
    owner.line_manager = manager
    owner.save()
    User.objects.filter(pk=manager.pk).update(is_active=False)
    late = action(owner, due=-20)
    assert plan_for(manager) is None
    assert plans_by_address()["improvement@council.example"].escalated == [late.pk]


@override_settings(IMPROVEMENT_TEAM_MAILBOX="improvement@council.example")
def test_a_long_overdue_action_with_no_owner_goes_to_the_mailbox(db):
    unowned = action(None, due=-20)
    [team] = reminders.plan_digests(DAY)
    assert team.address == "improvement@council.example"
    assert team.escalated == [unowned.pk]


def test_an_owner_who_has_left_still_has_their_late_actions_escalated(owner, manager):
    owner.line_manager = manager
    owner.save()
    User.objects.filter(pk=owner.pk).update(is_active=False)
    late = action(owner, due=-20)
    assert plan_for(owner) is None
    assert plan_for(manager).escalated == [late.pk]


# Thresholds and cost -----------------------------------------------------------------


def test_the_thresholds_come_from_settings(settings, owner, manager):
    settings.REMINDERS = {
        **settings.REMINDERS,
        "DUE_SOON_DAYS": 3,
        "STALE_AFTER_DAYS": 10,
        "ESCALATE_AFTER_DAYS": 5,
    }
    owner.line_manager = manager
    owner.save()
    soon = action(owner, due=3)
    action(owner, due=4, created=9)
    stale = action(owner, due=60, created=10)
    six_late = action(owner, due=-6)
    plan = plan_for(owner)
    assert plan.due_soon == [soon.pk]
    assert plan.stale == [stale.pk]
    assert plan_for(manager).escalated == [six_late.pk]


def test_working_out_the_digests_takes_three_queries_however_many_actions(
    django_assert_num_queries, manager
):
    # Owners' actions, long-overdue actions, and measures without their figures.
    team = UserFactory.create_batch(5, line_manager=manager)
    for person in team:
        action(person, due=-20)
        action(person, due=2, created=90)
    with django_assert_num_queries(3):
        assert len(reminders.plan_digests(DAY)) == 6
    for person in team:
        for due in (-30, -3, 1, 5):
            action(person, due=due, created=60)
    with django_assert_num_queries(3):
        assert len(reminders.plan_digests(DAY)) == 6
