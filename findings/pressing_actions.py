"""The few improvement actions a page shows out of the many that can answer a
finding, an area of concern or a visit, with counts of the rest.

A council has a handful of actions per finding, but nothing stops it having
thousands, and a page that listed them all would grow with them. So each page
shows the most pressing few and links to the action list for the rest, and asks
the database the same number of questions however many actions there are: one
query for every finding's few (a row number over each finding's actions), which
also gives a visit's few, and one aggregate for the counts.

"Most pressing" means open before completed, then the earliest due date (so the
overdue come first), then the order they were added.

Actions are reached through the reverse relations ``Finding.actions`` and
``AreaOfConcern.actions``: this layer does not import the actions layer.
"""

from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from .models import Finding

# How many of a finding's actions its entry on a page shows.
ACTIONS_PER_FINDING = 5
# How many of an area's (or a visit's) actions its page lists.
ACTIONS_PER_PAGE = 10

# The actions layer's Status.COMPLETED: every other status is open.
COMPLETED = "completed"


def action_model():
    return Finding._meta.get_field("actions").related_model


def _finding_links():
    """The table joining actions to findings, and the name of its action column."""
    relation = Finding._meta.get_field("actions")
    return relation.through, relation.field.m2m_field_name()


def pressing_order(prefix=""):
    """Order by: open first, then due date, then the order they were added;
    ``prefix`` reaches the action through a relation (``"improvementaction__"``).
    ``pressing_key`` is the same order in Python."""
    completed_last = Case(
        When(**{f"{prefix}status": COMPLETED}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return [completed_last, F(f"{prefix}due_date").asc(), F(f"{prefix}id").asc()]


def pressing_key(action):
    return (action.status == COMPLETED, action.due_date, action.pk)


def attach_pressing_actions(findings, fetch=ACTIONS_PER_FINDING):
    """Give each of ``findings`` its most pressing actions (``pressing_actions``,
    ``ACTIONS_PER_FINDING`` of them), how many it has in all (``action_count``) and
    how many are left out (``more_action_count``), in one query for them all.

    Returns what that query fetched, each finding's ``fetch`` most pressing actions
    as ``{finding: [action, ...]}`` in the order of ``findings``, for
    ``most_pressing_across``."""
    fetch = max(fetch, ACTIONS_PER_FINDING)
    fetched = {finding: [] for finding in findings}
    by_pk = {finding.pk: finding for finding in findings}
    totals = {}
    if by_pk:
        links, action = _finding_links()
        each_finding = {"partition_by": F("finding_id")}
        rows = (
            links.objects.filter(finding_id__in=list(by_pk))
            .select_related(action)
            .annotate(
                rank=Window(RowNumber(), order_by=pressing_order(f"{action}__"), **each_finding),
                total=Window(Count("pk"), **each_finding),
            )
            # Filtered after the row numbers are given (Django wraps the query).
            .filter(rank__lte=fetch)
            .order_by("finding_id", "rank")
        )
        for row in rows:
            fetched[by_pk[row.finding_id]].append(getattr(row, action))
            totals[row.finding_id] = row.total
    for finding, finding_actions in fetched.items():
        finding.pressing_actions = finding_actions[:ACTIONS_PER_FINDING]
        finding.action_count = totals.get(finding.pk, 0)
        finding.more_action_count = finding.action_count - len(finding.pressing_actions)
    return fetched


def most_pressing_across(fetched, limit=ACTIONS_PER_PAGE):
    """The ``limit`` most pressing actions answering any of the findings in
    ``fetched`` (from ``attach_pressing_actions`` with ``fetch`` at least
    ``limit``), each once, with the findings it answers (``answers``, in the order
    of ``fetched``).

    No query is needed: fewer than ``limit`` actions come before any one of these,
    so it is among the ``limit`` fetched for every finding it answers."""
    actions, answers = {}, {}
    for finding, finding_actions in fetched.items():
        for action in finding_actions:
            actions.setdefault(action.pk, action)
            answers.setdefault(action.pk, []).append(finding)
    most_pressing = sorted(actions.values(), key=pressing_key)[:limit]
    for action in most_pressing:
        action.answers = answers[action.pk]
    return most_pressing


def ids_answering_visit(visit):
    """The ids of the actions answering any of ``visit``'s findings (a visit or its
    id), as a subquery: an action answering two of them is named twice, so filter
    with ``pk__in`` rather than join, and each action is counted once."""
    links, action = _finding_links()
    return links.objects.filter(finding__visit=visit).values(f"{action}_id")


def visit_actions(visit):
    """Every action answering any of the visit's findings, each once."""
    return action_model().objects.filter(pk__in=ids_answering_visit(visit))


def pressing(actions, limit=ACTIONS_PER_PAGE):
    """The ``limit`` most pressing of ``actions``."""
    return list(actions.order_by(*pressing_order())[:limit])


def status_counts(actions, today=None):
    """How many of ``actions`` there are, in each status and overdue, in one query.

    Returns ``{"total", "overdue", "statuses": [{"value", "label", "count"}]}`` with
    the statuses in the order the actions layer lists them."""
    today = today or timezone.localdate()
    choices = action_model()._meta.get_field("status").choices
    counts = actions.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=~Q(status=COMPLETED) & Q(due_date__lt=today)),
        **{f"status_{value}": Count("pk", filter=Q(status=value)) for value, _label in choices},
    )
    return {
        "total": counts["total"],
        "overdue": counts["overdue"],
        "statuses": [
            {"value": value, "label": label, "count": counts[f"status_{value}"]}
            for value, label in choices
        ],
    }
