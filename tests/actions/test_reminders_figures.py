"""A measure's owner is asked for a month's missing figure in their reminder
digest from the fifth working day of the month after, every working day until
it is entered, whether or not they have actions to hear about."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import SCRUTINY_MEMBER
from actions import reminders
from actions.models import ReminderDigest
from actions.working_days import figures_due_on, figures_month
from tests.factories import (
    ImprovementActionFactory,
    MeasureFactory,
    MeasureValueFactory,
    UserFactory,
)

LONDON = ZoneInfo("Europe/London")
SITE = "https://tracker.council.example"
NOVEMBER = dt.date(2026, 11, 1)
DECEMBER = dt.date(2026, 12, 1)
# December 2026's first five working days are the 1st to the 4th and Monday the 7th.
NOVEMBER_DUE = dt.date(2026, 12, 7)
# New Year's Day, a Friday, is a bank holiday: the fifth working day of January
# 2027 is Friday the 8th, not Thursday the 7th.
THURSDAY_7_JANUARY = dt.date(2027, 1, 7)
DECEMBER_DUE = dt.date(2027, 1, 8)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def at(day, hour=7):
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


@pytest.fixture
def owner():
    return UserFactory(full_name="Fiona Figures", email="fiona@council.example")


def measure(owner, title="Average social worker caseload", entered=(), **kwargs):
    """A measure ``owner`` supplies, with figures for the months ``entered``."""
    made = MeasureFactory(title=title, owner=owner, **kwargs)
    for period in entered:
        MeasureValueFactory(measure=made, period=period, value=Decimal("17.5"))
    return made


def plan_for(user, day):
    return {plan.address: plan for plan in reminders.plan_digests(day)}.get(user.email)


def sweep(day):
    with time_machine.travel(at(day), tick=False):
        return reminders.run_sweep(day)


# When a month's figures are due --------------------------------------------------


def test_a_months_figures_are_due_on_the_fifth_working_day_of_the_month_after():
    assert figures_due_on(NOVEMBER) == NOVEMBER_DUE
    assert figures_due_on(DECEMBER) == DECEMBER_DUE


def test_the_working_day_they_are_due_comes_from_settings(settings):
    settings.REMINDERS = {**settings.REMINDERS, "FIGURES_DUE_WORKING_DAY": 1}

    assert figures_due_on(DECEMBER) == dt.date(2027, 1, 4)


def test_the_month_asked_for_moves_on_the_day_the_next_months_figures_are_due():
    assert figures_month(dt.date(2026, 12, 4)) == dt.date(2026, 10, 1)
    assert figures_month(NOVEMBER_DUE) == NOVEMBER
    assert figures_month(dt.date(2026, 12, 31)) == NOVEMBER
    assert figures_month(THURSDAY_7_JANUARY) == NOVEMBER
    assert figures_month(DECEMBER_DUE) == DECEMBER


# Who is asked, and when --------------------------------------------------------------


def test_an_owner_is_not_asked_before_the_fifth_working_day(owner):
    measure(owner, entered=[NOVEMBER])

    assert plan_for(owner, THURSDAY_7_JANUARY) is None


def test_an_owner_is_asked_on_the_fifth_working_day_after_a_bank_holiday(owner):
    caseload = measure(owner, entered=[NOVEMBER])

    plan = plan_for(owner, DECEMBER_DUE)

    assert plan.missing_figures == [caseload.pk]
    assert plan.figures_month == DECEMBER
    assert (plan.overdue, plan.due_soon, plan.stale, plan.escalated) == ([], [], [], [])


def test_an_owner_is_asked_every_working_day_until_the_figure_is_entered(owner):
    caseload = measure(owner, entered=[NOVEMBER])
    monday = dt.date(2027, 1, 11)

    assert plan_for(owner, monday).missing_figures == [caseload.pk]
    MeasureValueFactory(measure=caseload, period=DECEMBER)
    assert plan_for(owner, monday) is None
    assert plan_for(owner, dt.date(2027, 1, 29)) is None


def test_a_figure_entered_asks_nothing_and_only_the_missing_ones_are_listed(owner):
    measure(owner, title="Re-referrals within 12 months", entered=[NOVEMBER])
    caseload = measure(owner, entered=[])

    plan = plan_for(owner, NOVEMBER_DUE)

    assert plan.missing_figures == [caseload.pk]


def test_nobody_is_asked_for_a_measure_without_an_active_officer_as_owner(owner):
    MeasureFactory(owner=None)
    gone = UserFactory(is_active=False)
    measure(gone)
    councillor = UserFactory(role=SCRUTINY_MEMBER)
    measure(councillor, title="A measure a record says a councillor supplies")

    assert reminders.plan_digests(NOVEMBER_DUE) == []


def test_an_owner_with_actions_and_missing_figures_gets_one_digest_with_both(owner):
    overdue = ImprovementActionFactory(owner=owner, due_date=NOVEMBER_DUE - dt.timedelta(days=3))
    caseload = measure(owner)

    plan = plan_for(owner, NOVEMBER_DUE)

    assert (plan.overdue, plan.missing_figures) == ([overdue.pk], [caseload.pk])


# The e-mail -----------------------------------------------------------------------------


def test_an_owner_who_only_supplies_figures_gets_an_email_saying_which_are_missing(owner):
    measure(owner, entered=[dt.date(2026, 10, 1)])

    result = sweep(NOVEMBER_DUE)

    assert result.sent == 1
    [message] = mail.outbox
    line = "No figure yet for Average social worker caseload for November 2026"
    link = f"{SITE}/measures/figures/?month=2026-11"
    assert line in message.body
    assert f"Enter it: {link}" in message.body
    html = message.alternatives[0][0]
    assert line in html
    assert f'href="{link}"' in html
    assert "Enter the figure for Average social worker caseload</a>" in html
    assert "1 of your measures has no figure yet for November 2026" in message.body
    assert message.subject == ("Monthly figures: 1 measure with no figure yet for November 2026")
    assert "due by working day 5 of the month after" in message.body


def test_the_subject_names_actions_and_figures_together(owner):
    ImprovementActionFactory(owner=owner, due_date=NOVEMBER_DUE - dt.timedelta(days=3))
    measure(owner, title="Re-referrals within 12 months")
    measure(owner)

    sweep(NOVEMBER_DUE)

    [message] = mail.outbox
    assert message.subject == (
        "Improvement actions: 1 overdue. "
        "Monthly figures: 2 measures with no figure yet for November 2026"
    )
    assert "2 of your measures have no figure yet for November 2026" in message.body


def test_a_measure_whose_figure_is_entered_before_the_email_goes_is_left_out(owner):
    caseload = measure(owner)
    with time_machine.travel(at(NOVEMBER_DUE), tick=False):
        pending = reminders.prepare_sweep(NOVEMBER_DUE)
        MeasureValueFactory(measure=caseload, period=NOVEMBER)

        [delivery] = reminders.deliver_digests(pending)

    assert delivery.outcome is reminders.Outcome.NOTHING_TO_SEND
    assert not mail.outbox


def test_a_digest_sent_again_asks_for_the_month_it_was_written_about(owner):
    caseload = measure(owner)
    with time_machine.travel(at(NOVEMBER_DUE), tick=False):
        reminders.prepare_sweep(NOVEMBER_DUE)
    digest = ReminderDigest.objects.get()

    assert (digest.missing_figures, digest.figures_month) == ([caseload.pk], NOVEMBER)


def test_a_digest_with_no_measures_records_no_month(owner):
    ImprovementActionFactory(owner=owner, due_date=NOVEMBER_DUE - dt.timedelta(days=3))
    with time_machine.travel(at(NOVEMBER_DUE), tick=False):
        reminders.prepare_sweep(NOVEMBER_DUE)

    digest = ReminderDigest.objects.get()

    assert (digest.missing_figures, digest.figures_month) == ([], None)


# Cost ------------------------------------------------------------------------------------


def owners_with_missing_figures(count, measures_each, name="supplier"):
    for n in range(count):
        person = UserFactory(email=f"{name}{n}@council.example")
        for m in range(measures_each):
            measure(person, title=f"{name} measure {n}.{m}", entered=[dt.date(2026, 10, 1)])


def queries(function, *args):
    with CaptureQueriesContext(connection) as captured:
        function(*args)
    return len(captured)


def test_working_out_the_digests_takes_the_same_queries_however_many_measures(
    django_assert_num_queries,
):
    owners_with_missing_figures(3, measures_each=1)
    with django_assert_num_queries(3):
        assert len(reminders.plan_digests(NOVEMBER_DUE)) == 3
    owners_with_missing_figures(1, measures_each=40, name="busy")
    with django_assert_num_queries(3):
        plans = reminders.plan_digests(NOVEMBER_DUE)
    assert len(plans) == 4
    assert max(len(plan.missing_figures) for plan in plans) == 40


def test_sending_reads_a_batchs_measures_in_one_query_however_many_digests():
    owners_with_missing_figures(12, measures_each=3)
    for n in range(12):
        owner = UserFactory(email=f"actions{n}@council.example")
        ImprovementActionFactory(owner=owner, due_date=NOVEMBER_DUE - dt.timedelta(days=3))
    with time_machine.travel(at(NOVEMBER_DUE), tick=False):
        pending = reminders.prepare_sweep(NOVEMBER_DUE)
        asks = set(ReminderDigest.objects.exclude(missing_figures=[]).values_list("pk", flat=True))
        figures = [pk for pk in pending if pk in asks]
        actions = [pk for pk in pending if pk not in asks]

        # A batch reads the measures its digests list in one query, as it
        # reads the actions in one: digests asking for figures cost what as
        # many digests listing actions cost, in batches of 4 and of 8.
        cost = [
            (queries(reminders.deliver_digests, part), queries(reminders.deliver_digests, other))
            for part, other in [(figures[:4], actions[:4]), (figures[4:12], actions[4:12])]
        ]
    (four, four_with_actions), (eight, eight_with_actions) = cost
    assert (four, eight) == (four_with_actions, eight_with_actions)
    per_digest = (eight - four) / 4
    assert per_digest == int(per_digest) and four - 4 * per_digest == eight - 8 * per_digest
    assert len(mail.outbox) == 24


def test_a_dry_run_counts_the_measures_each_digest_would_ask_for(owner):
    measure(owner)
    out = io.StringIO()

    call_command("send_reminders", "--date", "2026-12-07", "--dry-run", stdout=out)

    assert (
        "would send to fiona@council.example: 0 overdue, 0 due soon, 0 stale, 0 escalated, "
        "1 measure without a figure"
    ) in out.getvalue()
