"""A small data set built by hand for the dashboard's tests, with what each
figure should count worked out by hand below it. Today is 15 June 2025, so the
last twelve months run from July 2024 to June 2025."""

import datetime

from actions.models import Impact, Status
from findings.models import RatingChoice
from tests import factories

TODAY = datetime.date(2025, 6, 15)


def d(month, day, year=2025):
    return datetime.date(year, month, day)


def build():
    """The records, by short names the expected figures use."""
    alice = factories.UserFactory(full_name="Alice Owner")
    bob = factories.UserFactory(full_name="Bob Owner")
    inspection = factories.InspectionFactory()
    areas = {
        name: factories.AreaOfConcernFactory(identified_at=inspection, title=title)
        for name, title in (
            ("front_door", "Front door"),
            ("oversight", "Oversight"),
            ("care_leavers", "Care leavers"),
            ("planning", "Planning"),
        )
    }
    spec = {
        # name: owner, status, due, completed_on, impact, areas
        "late_alice_1": (alice, Status.IN_PROGRESS, d(6, 1), None, "", ["front_door"]),
        "late_alice_2": (
            alice,
            Status.NOT_STARTED,
            d(5, 10),
            None,
            "",
            ["front_door", "oversight"],
        ),
        "late_bob": (bob, Status.BLOCKED, d(6, 10), None, "", []),
        "late_nobody": (None, Status.IN_PROGRESS, d(4, 20), None, "", ["oversight"]),
        "soon_amber": (bob, Status.NOT_STARTED, d(6, 25), None, "", ["care_leavers"]),
        "soon_green": (bob, Status.IN_PROGRESS, d(7, 10), None, "", []),
        "today_blocked": (alice, Status.BLOCKED, d(6, 15), None, "", []),
        "later": (alice, Status.IN_PROGRESS, d(9, 30), None, "", ["care_leavers"]),
        "done_may": (bob, Status.COMPLETED, d(5, 31), d(5, 20), Impact.NOT_EVIDENCED, []),
        "done_march": (bob, Status.COMPLETED, d(2, 28), d(3, 3), Impact.EMERGING, []),
        "done_last_july": (
            alice,
            Status.COMPLETED,
            d(8, 1, 2024),
            d(7, 5, 2024),
            Impact.EVIDENCED,
            [],
        ),
        # Completed before the twelve months, and early: due next month.
        "done_early": (
            alice,
            Status.COMPLETED,
            d(7, 1),
            d(6, 20, 2024),
            Impact.NOT_EVIDENCED,
            [],
        ),
    }
    actions = {}
    for name, (owner, status, due, completed_on, impact, area_names) in spec.items():
        action = factories.ImprovementActionFactory(
            title=name,
            owner=owner,
            status=status,
            due_date=due,
            completed_on=completed_on,
            impact=impact or Impact.NOT_EVIDENCED,
        )
        action.areas.set([areas[area] for area in area_names])
        actions[name] = action

    visits = [
        factories.VisitFactory(
            follows=inspection, start_date=start, end_date=start, letter_date=None
        )
        for start in (d(1, 10, 2024), d(6, 12, 2024), d(1, 14))
    ]
    ratings = {
        "front_door": [RatingChoice.SOME_PROGRESS, RatingChoice.IMPROVED, RatingChoice.DECLINED],
        "oversight": [RatingChoice.NO_CHANGE, RatingChoice.SOME_PROGRESS, None],
        "care_leavers": [None, None, RatingChoice.NO_CHANGE],
        "planning": [RatingChoice.NO_CHANGE, None, RatingChoice.NO_CHANGE],
    }
    for name, by_visit in ratings.items():
        for visit, rating in zip(visits, by_visit, strict=True):
            if rating:
                factories.AreaRatingFactory(visit=visit, area=areas[name], rating=rating)
    return {"alice": alice, "bob": bob, "areas": areas, "actions": actions}


LATE = {"late_alice_1", "late_alice_2", "late_bob", "late_nobody"}
DONE = {"done_may", "done_march", "done_last_july", "done_early"}

# label -> the titles of the actions counted there.
BY_STATUS = {
    "Not started": {"late_alice_2", "soon_amber"},
    "In progress": {"late_alice_1", "late_nobody", "soon_green", "later"},
    "Blocked": {"late_bob", "today_blocked"},
    "Completed": DONE,
}
BY_RAG = {
    "Red": LATE | {"today_blocked"},
    "Amber": {"soon_amber"},
    "Green": {"soon_green", "later"},
    "None (completed)": DONE,
}
OVERDUE_BY_OWNER = {
    "Alice Owner": {"late_alice_1", "late_alice_2"},
    "Bob Owner": {"late_bob"},
    "No owner yet": {"late_nobody"},
}
OVERDUE_BY_AREA = {
    "Front door": {"late_alice_1", "late_alice_2"},
    "Oversight": {"late_alice_2", "late_nobody"},
    "No area of concern": {"late_bob"},
}
DUE_SOON = {"soon_amber", "soon_green", "today_blocked"}
DONE_IMPACT_NOT_SHOWN = {
    "Completed, impact not yet evidenced": {"done_may", "done_early"},
    "Completed, impact emerging": {"done_march"},
}
# month -> (completed, due), for the months with any.
MONTHS = {
    d(7, 1, 2024): ({"done_last_july"}, set()),
    d(8, 1, 2024): (set(), {"done_last_july"}),
    d(2, 1): (set(), {"done_march"}),
    d(3, 1): ({"done_march"}, set()),
    d(4, 1): (set(), {"late_nobody"}),
    d(5, 1): ({"done_may"}, {"late_alice_2", "done_may"}),
    d(6, 1): (set(), {"late_alice_1", "late_bob", "today_blocked", "soon_amber"}),
}
# area title -> (latest, previous, direction, its actions)
AREA_TRENDS = {
    "Care leavers": (RatingChoice.NO_CHANGE, None, "unknown", {"soon_amber", "later"}),
    "Front door": (
        RatingChoice.DECLINED,
        RatingChoice.IMPROVED,
        "declined",
        {"late_alice_1", "late_alice_2"},
    ),
    "Oversight": (
        RatingChoice.SOME_PROGRESS,
        RatingChoice.NO_CHANGE,
        "improved",
        {"late_alice_2", "late_nobody"},
    ),
    "Planning": (RatingChoice.NO_CHANGE, RatingChoice.NO_CHANGE, "same", set()),
}
