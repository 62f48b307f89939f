"""Committee packs: what scrutiny members are shown for one committee, worked out
once and kept.

``freeze`` computes everything a pack shows into its ``snapshot`` (plain JSON):
the ratings matrix as at the committee's date, the RAG summary as at that date,
the shared measures' figures (``progress.pack_measures``) and what changed since
the previous pack, read from the history; and each action's progress into rows
of its own (``PackAction``), as many as there are actions, which the pack's page
reads a page at a time. The pack's pages render from these alone, so later edits
to actions, ratings, updates or figures never change a pack that has gone to
councillors.

Actions' status and due dates are as recorded when the pack is frozen; their RAG
is worked out as at the committee's date; an update counts if it was shared with
scrutiny by the end of that date.
"""

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.audit import acting_as
from accounts.history import previous_rows
from actions.models import RAG_ORDER, ActionUpdate, ImprovementAction, Rag, Status
from findings.models import AreaRating
from inspections.models import AreaOfConcern, Visit

from .models import CommitteePack, PackAction
from .pack_measures import measures_snapshot
from .scrutiny import RATING_LABELS, SCRUTINY_VIEW, action_progress, matrix_as_at

# 2: the shared measures are frozen too (``measures``); a version 1 pack has none.
# 3: the actions' progress is kept in ``PackAction`` rows, their number in
# ``action_count`` (migration 0003 moved earlier packs' there too).
SNAPSHOT_VERSION = 3
# How many actions' progress a pack's page lists at a time; the PDF lists them all.
ACTIONS_PER_PAGE = 25
STATUS_LABELS = dict(Status.choices)


def latest_pack_before(day):
    """The pack a new one as at ``day`` reports changes since."""
    return (
        CommitteePack.objects.filter(committee_date__lt=day)
        .order_by("-committee_date", "-frozen_at", "-pk")
        .first()
    )


def freeze(pack, user):
    """Work out ``pack``'s snapshot and save it, recorded as ``user``'s doing."""
    pack.frozen_by = user
    pack.frozen_at = timezone.now()
    if pack.previous is None:
        pack.previous = latest_pack_before(pack.committee_date)
    pack.snapshot = snapshot(pack)
    progress = action_progress(ImprovementAction.objects.all(), today=pack.committee_date)
    pack.snapshot["action_count"] = len(progress)
    acting_as(pack, user)
    with transaction.atomic():
        pack.save()
        PackAction.objects.bulk_create(
            (PackAction(pack=pack, position=n, progress=row) for n, row in enumerate(progress)),
            batch_size=2000,
        )
    return pack


class FrozenActions:
    """A pack's frozen actions as a sequence a ``Paginator`` can page through: its
    length is the count the snapshot keeps, and a slice is a range of positions,
    one look-up in the (pack, position) index however far into the pack it is."""

    def __init__(self, pack):
        self.pack = pack

    def __len__(self):
        return self.pack.action_count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("a pack's actions are read a page (a slice) at a time")
        start, stop, _step = index.indices(len(self))
        return list(
            PackAction.objects.filter(pack=self.pack, position__gte=start, position__lt=stop)
            .order_by("position")
            .values_list("progress", flat=True)
        )


def actions_page(pack, number):
    """One page of the pack's frozen actions (``number`` as the request gave it: a
    bad or out-of-range one gives the first or the last page)."""
    return Paginator(FrozenActions(pack), ACTIONS_PER_PAGE).get_page(number)


def all_actions(pack):
    """Every one of the pack's frozen actions, in order, for the PDF."""
    return list(pack.actions.order_by("position").values_list("progress", flat=True))


def snapshot(pack):
    day = pack.committee_date
    previous = pack.previous
    return {
        "version": SNAPSHOT_VERSION,
        "title": pack.title,
        "as_at": day.isoformat(),
        "frozen_at": timezone.localtime(pack.frozen_at).isoformat(),
        "frozen_by": pack.frozen_by.public_label,
        "matrix": matrix_as_at(day),
        "rag_summary": rag_summary(day),
        **measures_snapshot(day, previous.snapshot if previous else None),
        "previous": None
        if previous is None
        else {
            "title": previous.title,
            "as_at": previous.committee_date.isoformat(),
            "frozen_at": timezone.localtime(previous.frozen_at).isoformat(),
        },
        "changes": None
        if previous is None
        else changes_between(previous.frozen_at, pack.frozen_at),
    }


def rag_summary(day):
    """How many actions were red, amber, green or done, as at ``day``."""
    counts = dict(
        ImprovementAction.objects.with_rag(today=day)
        .order_by()
        .values("rag")
        .annotate(count=Count("pk"))
        .values_list("rag", "count")
    )
    rows = [
        {"rag": rag.value, "label": rag.label, "count": counts.get(rag.value, 0)}
        for rag in sorted(Rag, key=RAG_ORDER.get)
    ]
    return {"rows": rows, "total": sum(row["count"] for row in rows)}


def pdf_of(pack, base_url=None):
    """The pack as a PDF, laid out by WeasyPrint from the snapshot.

    Laying out a large matrix takes seconds, and a frozen pack never changes, so
    each pack is laid out once and kept in the cache (keyed by when it was frozen,
    so a pack number reused after a database reset is never served stale).
    """
    key = f"committee-pack-pdf:{pack.pk}:{pack.frozen_at.timestamp()}"
    pdf = cache.get(key)
    if pdf is None:
        # WeasyPrint loads Pango when imported: only the PDF needs it.
        from weasyprint import HTML

        html = render_to_string(
            "progress/pack_print.html",
            {"pack": pack, "snapshot": pack.snapshot, "pack_actions": all_actions(pack)},
        )
        pdf = HTML(string=html, base_url=base_url).write_pdf()
        cache.set(key, pdf, timeout=None)
    return pdf


# What changed between two packs -------------------------------------------------------


def changes_between(since, until):
    """What changed after ``since`` and up to ``until``, oldest first, from the
    history rows of actions, shared updates, ratings and letters."""
    changes = [
        *_action_changes(since, until),
        *_update_changes(since, until),
        *_rating_changes(since, until),
        *_letter_changes(since, until),
    ]
    changes.sort(key=lambda change: (change["at"], change["text"]))
    return changes


def _rows_between(model, since, until):
    history = model.history.model
    rows = list(
        history.objects.filter(history_date__gt=since, history_date__lte=until).order_by(
            "history_date", "history_id"
        )
    )
    return rows, previous_rows(history, rows) if rows else {}


def _change(row, kind, text):
    return {
        "at": timezone.localtime(row.history_date).date().isoformat(),
        "kind": kind,
        "text": text,
    }


def _action_changes(since, until):
    rows, before = _rows_between(ImprovementAction, since, until)
    for row in rows:
        name = f"{row.reference} {row.title}"
        if row.history_type == "+":
            yield _change(row, "action", f"New action {name}, due {_day(row.due_date)}")
            continue
        if row.history_type == "-":
            yield _change(row, "action", f"Action {name} removed")
            continue
        earlier = before.get(row.history_id)
        if earlier is None:
            continue
        if row.status != earlier.status:
            if row.status == Status.COMPLETED:
                text = f"{name} completed (was {STATUS_LABELS[earlier.status].lower()})"
            else:
                text = (
                    f"{name}: status changed from {STATUS_LABELS[earlier.status]} "
                    f"to {STATUS_LABELS[row.status]}"
                )
            yield _change(row, "action", text)
        if row.due_date != earlier.due_date:
            yield _change(
                row,
                "action",
                f"{name}: due date moved from {_day(earlier.due_date)} to {_day(row.due_date)}",
            )


def _update_changes(since, until):
    rows, before = _rows_between(ActionUpdate, since, until)
    shared = []
    for row in rows:
        earlier = before.get(row.history_id)
        was_shared = earlier is not None and earlier.shareable_with_scrutiny
        if row.history_type != "-" and row.shareable_with_scrutiny and not was_shared:
            shared.append(row)
    references = dict(
        ImprovementAction.objects.filter(pk__in={row.action_id for row in shared}).values_list(
            "pk", "reference"
        )
    )
    for row in shared:
        reference = references.get(row.action_id)
        if reference:
            yield _change(row, "update", f"{reference}: progress update shared")


def _rating_changes(since, until):
    rows, before = _rows_between(AreaRating, since, until)
    visits = {
        visit.pk: visit
        for visit in Visit.objects.visible_to(SCRUTINY_VIEW).filter(
            pk__in={row.visit_id for row in rows}
        )
    }
    areas = dict(
        AreaOfConcern.objects.visible_to(SCRUTINY_VIEW)
        .filter(pk__in={row.area_id for row in rows})
        .values_list("pk", "title")
    )
    for row in rows:
        visit, area = visits.get(row.visit_id), areas.get(row.area_id)
        if visit is None or area is None:
            continue  # an unpublished letter's rating is not scrutiny's to read yet
        label = RATING_LABELS.get(row.rating, row.rating)
        earlier = before.get(row.history_id)
        if row.history_type == "+":
            yield _change(row, "rating", f"{area}: rated {label} at {visit}")
        elif row.history_type == "-":
            yield _change(row, "rating", f"{area}: rating at {visit} withdrawn")
        elif earlier is not None and earlier.rating != row.rating:
            was = RATING_LABELS.get(earlier.rating, earlier.rating)
            yield _change(row, "rating", f"{area}: rating at {visit} changed from {was} to {label}")


def _letter_changes(since, until):
    rows, before = _rows_between(Visit, since, until)
    for row in rows:
        earlier = before.get(row.history_id)
        was_published = earlier is not None and earlier.is_published
        if row.history_type != "-" and row.is_published and not was_published:
            yield _change(row, "letter", f"Letter published: {row.instance}")


def _day(value):
    return f"{value.day} {value:%B %Y}" if value else "no date"
