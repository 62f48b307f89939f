"""The demo council's measures: the monthly figures a council watches after a
monitoring letter like the March 2024 one, and three years of made-up values.

The letter names no figures, so every value here is illustrative and each measure
says so in its source (``measures.figures.ILLUSTRATIVE_SOURCE``), which every page
showing them repeats. The story is written in months before the last complete
month, not in calendar months, so a demo loaded on any day ends last month: what
is off target, for how long, and what is moving the wrong way reads the same
whenever it is loaded. Improvement comes in waves, as the letter says practice
did: most measures rise, dip and rise again; some meet their targets, two have
missed theirs for months, and two have turned the wrong way lately.

Loading follows ``actions.demo``: a measure is created once, by title, never
changed after; a month already recorded is left as it is, and only the months a
measure lacks are written, so a rerun the same month adds nothing and a rerun a
month later adds that month. Every row is written in the loading officer's name.
"""

from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from accounts.audit import acting_as
from measures.figures import ILLUSTRATIVE_SOURCE
from measures.models import Measure, MeasureValue, Unit, this_month
from measures.trends import months_before

from .models import ImprovementAction

# Three years: enough for the change since the same month a year before, and
# for a year of trend on every page, from the first year shown.
MONTHS = 36

ONE_PLACE = Decimal("0.1")

PERCENTAGE = Unit.PERCENTAGE
NUMBER = Unit.NUMBER
DAYS = Unit.DAYS

# Each story is a list of (months before the last complete month, value), oldest
# first; the months between are drawn as a straight line with a small,
# repeatable wobble, except the last four, which are exactly as written because
# they decide the measure's RAG, run off target and latest direction.
# ``england`` and ``neighbours`` are the comparators for the oldest, middle and
# latest year: published once a year, so they change only once a year.

MEASURES = [
    {
        "title": "Children seen alone during their assessment",
        "description": (
            "Of the assessments completed in the month, the share in which the social worker "
            "saw the child on their own, away from the adults in the home."
        ),
        "unit": PERCENTAGE,
        "higher_is_better": True,
        "target": 90,
        "owner": "head.frontdoor@example.org",
        "areas": ["assessments"],
        "shareable": True,
        "story": [(35, 61), (26, 70), (21, 64), (12, 76), (6, 83), (3, 86.5), (2, 87.2)]
        + [(1, 86.8), (0, 87.9)],
        "wobble": 1.5,
        "england": (84.0, 84.5, 85.1),
        "neighbours": (82.3, 83.0, 83.6),
        "actions": ["A-009"],
    },
    {
        "title": "Assessments completed within 45 working days",
        "description": (
            "Of the children and family assessments completed in the month, the share finished "
            "within the statutory 45 working days of the referral."
        ),
        "unit": PERCENTAGE,
        "higher_is_better": True,
        "target": 85,
        "owner": "owner@example.org",
        "areas": ["assessments", "mash"],
        "shareable": True,
        "story": [(35, 71), (27, 79), (22, 73.5), (14, 84), (8, 87.5), (3, 89), (2, 90.1)]
        + [(1, 89.4), (0, 90.6)],
        "wobble": 1.8,
        "england": (82.1, 83.0, 83.4),
        "neighbours": (84.6, 85.2, 85.0),
        "actions": ["A-008"],
    },
    {
        "title": "Average social worker caseload",
        "description": (
            "The number of children allocated to each qualified social worker holding cases, on "
            "average, at the end of the month."
        ),
        "unit": NUMBER,
        "higher_is_better": False,
        "target": 18,
        "owner": "workforce.lead@example.org",
        "areas": ["assessments"],
        "shareable": True,
        "story": [(35, 24.5), (25, 21), (21, 22.8), (12, 18.6), (6, 17.1), (3, 16.4), (2, 16.1)]
        + [(1, 16.3), (0, 15.9)],
        "wobble": 0.6,
        "england": (16.6, 16.3, 16.2),
        "neighbours": (17.4, 17.0, 16.8),
        "actions": ["A-002"],
    },
    {
        "title": "Re-referrals within 12 months",
        "description": (
            "Of the referrals accepted in the month, the share about a child already referred "
            "in the twelve months before: a sign that earlier help did not last."
        ),
        "unit": PERCENTAGE,
        "higher_is_better": False,
        "target": 20,
        "owner": "head.frontdoor@example.org",
        "areas": ["mash"],
        "shareable": True,
        "story": [(35, 27), (24, 23), (18, 21.5), (10, 19), (6, 18.2), (3, 18.6), (2, 19.8)]
        + [(1, 21.1), (0, 22.4)],
        "wobble": 0.8,
        "england": (21.5, 22.4, 22.1),
        "neighbours": (20.8, 21.3, 21.0),
        "actions": ["A-012", "A-010"],
    },
    {
        "title": "Case audits graded good or better",
        "description": (
            "Of the children's records audited in the month, the share graded good or "
            "outstanding after moderation by the quality assurance team."
        ),
        "unit": PERCENTAGE,
        "higher_is_better": True,
        "target": 60,
        "owner": "qa.lead@example.org",
        "areas": ["oversight", "assessments"],
        "shareable": True,
        "story": [(35, 31), (24, 38), (20, 34.5), (12, 44), (6, 49), (3, 51), (2, 52.5)]
        + [(1, 51.8), (0, 53)],
        "wobble": 2.5,
        "england": (None, None, None),
        "neighbours": (52.0, 54.0, 55.5),
        "actions": ["A-011"],
    },
    {
        "title": "Children's records with management oversight this month",
        "description": (
            "Of open children's records, the share with a manager's recorded direction or "
            "challenge in the month, beyond a sign-off. Counted from case records; kept to "
            "the service while the way it is counted is checked."
        ),
        "unit": PERCENTAGE,
        "higher_is_better": True,
        "target": 90,
        "owner": "qa.lead@example.org",
        "areas": ["oversight"],
        "shareable": False,
        "story": [(35, 58), (24, 70), (14, 81), (8, 88), (4, 91), (3, 90.5), (2, 89)]
        + [(1, 87.6), (0, 86.1)],
        "wobble": 2,
        "england": (None, None, None),
        "neighbours": (None, None, None),
        "actions": ["A-011"],
    },
    {
        "title": "MASH decisions made within one working day",
        "description": (
            "Of the contacts the multi-agency safeguarding hub received in the month, the "
            "share with a decision on what happens next within one working day."
        ),
        "unit": PERCENTAGE,
        "higher_is_better": True,
        "target": 95,
        "owner": "owner@example.org",
        "areas": ["mash"],
        "shareable": False,
        "story": [(35, 78), (26, 88), (22, 80), (12, 93), (6, 97), (3, 97.4), (2, 98.1)]
        + [(1, 97.6), (0, 98.3)],
        "wobble": 1.2,
        "england": (None, None, None),
        "neighbours": (91.0, 92.5, 93.0),
        "actions": ["A-010"],
    },
    {
        "title": "Average days in pre-proceedings",
        "description": (
            "For families whose pre-proceedings under the public law outline ended in the "
            "month, the average days from the letter before proceedings to the decision to "
            "issue or step down."
        ),
        "unit": DAYS,
        "higher_is_better": False,
        "target": 112,
        "owner": "head.socialcare@example.org",
        "areas": ["neglect"],
        "shareable": True,
        "story": [(35, 168), (24, 141), (16, 128), (10, 118), (6, 121), (3, 115), (2, 113)]
        + [(1, 110), (0, 108)],
        "wobble": 4,
        "england": (131, 127, 124),
        "neighbours": (138, 129, 126),
        "actions": ["A-004"],
    },
    {
        "title": "Care leavers the council is in touch with",
        "description": (
            "Of care leavers aged 19 to 21, the share the leaving care service was in touch "
            "with in the month."
        ),
        "unit": PERCENTAGE,
        "higher_is_better": True,
        "target": 95,
        "owner": "head.socialcare@example.org",
        "areas": ["care_leavers"],
        "shareable": True,
        "story": [(35, 86), (24, 91), (18, 93.5), (10, 95.5), (4, 96.2), (3, 96), (2, 95.6)]
        + [(1, 96.1), (0, 96.4)],
        "wobble": 1,
        "england": (91.0, 92.0, 92.0),
        "neighbours": (93.0, 93.5, 94.0),
        "actions": ["A-006"],
    },
    {
        "title": "Children in care with a permanence plan by their second review",
        "description": (
            "Of children whose second review as a child in care fell in the month, the share "
            "with a plan for a permanent home agreed at or before it."
        ),
        "unit": PERCENTAGE,
        "higher_is_better": True,
        "target": 90,
        "owner": "head.socialcare@example.org",
        "areas": ["permanence"],
        "shareable": True,
        "story": [(35, 55), (24, 63), (18, 68), (12, 65.5), (6, 74), (3, 77), (2, 79)]
        + [(1, 78.5), (0, 80)],
        "wobble": 2,
        "england": (None, None, None),
        "neighbours": (81.0, 82.5, 83.0),
        "actions": ["A-006"],
    },
]

# Months this close to the end are exactly as the story writes them.
EXACT_MONTHS = 4


def last_complete_month(today):
    return months_before(this_month(today), 1)


def _decimal(number):
    return None if number is None else Decimal(str(number))


def _wobble(months_ago, size):
    """A small, repeatable ripple, -1 to 1 times ``size``, different month to month."""
    step = (months_ago * 7 + 3) % 5 - 2  # -2 .. 2, no two neighbouring months alike
    return _decimal(size) * step / 2


def story_value(spec, months_ago):
    """The measure's value ``months_ago`` months before the last complete month."""
    points = [(ago, _decimal(value)) for ago, value in spec["story"]]
    for (start_ago, start), (end_ago, end) in zip(points, points[1:], strict=False):
        if end_ago <= months_ago <= start_ago:
            share = Decimal(start_ago - months_ago) / Decimal(start_ago - end_ago)
            value = start + (end - start) * share
            break
    else:
        raise ValueError(f"{spec['title']} has no story {months_ago} months back")
    if months_ago >= EXACT_MONTHS:
        value += _wobble(months_ago, spec["wobble"])
    if spec["unit"] == PERCENTAGE:
        value = min(max(value, Decimal(0)), Decimal(100))
    places = Decimal(1) if spec["unit"] == DAYS else ONE_PLACE
    return value.quantize(places)


def comparator(values, months_ago):
    """The comparator for that month: the latest year's value in the last twelve
    months, the middle year's before that, the oldest before that."""
    year = min(months_ago // 12, len(values) - 1)
    return _decimal(values[len(values) - 1 - year])


def monthly_values(spec, today):
    """(month, value, England, neighbours) for each of the story's months, oldest first."""
    last = last_complete_month(today)
    return [
        (
            months_before(last, ago),
            story_value(spec, ago),
            comparator(spec["england"], ago),
            comparator(spec["neighbours"], ago),
        )
        for ago in range(MONTHS - 1, -1, -1)
    ]


def load_measures(loader, users, areas):
    """The measures, their months and the actions that name them, through
    ``loader`` (``actions.demo``'s), which counts and names what it writes."""
    for spec in MEASURES:
        measure, created = loader.get_or_create(
            Measure,
            {"title": spec["title"]},
            {
                "description": spec["description"],
                "unit": spec["unit"],
                "higher_is_better": spec["higher_is_better"],
                "target": _decimal(spec["target"]),
                "source": ILLUSTRATIVE_SOURCE,
                "owner": users[spec["owner"]],
                "shareable_with_scrutiny": spec["shareable"],
            },
        )
        if created:
            # As with actions, links are made with the row and left alone after:
            # each add() records a history row naming the loading officer.
            acting_as(measure, loader.actor)
            measure.areas.add(*[areas[key] for key in spec["areas"]])
            for action in ImprovementAction.objects.filter(reference__in=spec["actions"]):
                acting_as(action, loader.actor)
                action.measures.add(measure)
        _load_values(loader, measure, spec)


def _load_values(loader, measure, spec):
    recorded = set(measure.values.values_list("period", flat=True))
    wanted = monthly_values(spec, loader.today)
    missing = [
        MeasureValue(
            measure=measure,
            period=period,
            value=value,
            england=england,
            neighbours=neighbours,
            entered_by=loader.actor,
        )
        for period, value, england, neighbours in wanted
        if period not in recorded
    ]
    if missing:
        # A value at a time would be hundreds of statements; the helper writes
        # each value's history row with it, in the loading officer's name.
        bulk_create_with_history(
            missing,
            MeasureValue,
            default_user=loader.actor,
            default_change_reason=loader.change_reason,
        )
    loader.tally(MeasureValue, created=len(missing), present=len(wanted) - len(missing))
