"""What changed, who changed it and when, read from django-simple-history's rows.

Generic over every model with ``history = HistoricalRecords()``: accounts sits
above the domain apps, so it finds their models through the app registry and never
imports them.

A page of history names many related records (a finding's visit, an action's
owner, the findings an action was linked to). Looking each one up as it is shown
would cost a query per row, so the names are gathered first and loaded in one
query per model (``RelatedRecords``): a page costs the same number of queries
whether it shows ten rows or a thousand.
"""

import datetime
import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice

from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from simple_history.models import DeletedObject
from simple_history.utils import get_m2m_reverse_field_name

from .grant_sentences import said_as_grants

NOT_SET = "Not set"
SYSTEM = "System"
# Stored as the history row's change reason, so a restore reads as one in the log.
RESTORED_REASON = "Restored from its history"
# The change reason of the first history row of each role, written when the
# history of roles began (accounts migration 0004): where the record starts, with
# what each role held then, rather than a change anyone made.
HISTORY_STARTS_REASON = "Role history starts here"
CHANGE_KINDS = {"+": "created", "~": "changed", "-": "deleted"}
NEWEST_FIRST = ("-history_date", "-history_id")
# How many rows the CSV export describes at once: enough to keep the queries per
# row low, few enough that a long export never holds the whole log in memory.
EXPORT_BATCH = 500


# What people call some kinds of record: a role is a group to Django.
KIND_NAMES = {"auth.group": "role"}

# The models and their history tables


def kind_name(model):
    """What one record of ``model`` is called, in lower case: "visit", "role"."""
    return KIND_NAMES.get(model._meta.label_lower, str(model._meta.verbose_name))


def is_tracked(model):
    return hasattr(model._meta, "simple_history_manager_attribute")


def tracked_models():
    """Every model whose changes are recorded, in a stable order."""
    return sorted((m for m in apps.get_models() if is_tracked(m)), key=lambda m: m._meta.label)


def tracked_model(app_label, model_name):
    """The tracked model a URL names; LookupError for anything else."""
    model = apps.get_model(app_label, model_name)
    if not is_tracked(model):
        raise LookupError(f"{model._meta.label} has no history")
    return model


def history_model(model):
    return getattr(model, model._meta.simple_history_manager_attribute).model


def unread_fields(model):
    """The fields of ``model`` that no description of a change shows and that may
    be large (a committee pack's frozen snapshot, megabytes at a big council),
    named by the model's ``history_unread_fields``: left unread with the rows, so
    a page of changes costs the same however much such a record holds."""
    return [model._meta.get_field(name) for name in getattr(model, "history_unread_fields", ())]


def without_unread(queryset, model):
    """``queryset`` (of ``model``'s records or their history rows) without its
    unread fields; ``fill_unread`` then gives each row their defaults, so that
    reading them, as ``diff_against`` and ``history_object`` do, costs no query."""
    names = [field.name for field in unread_fields(model)]
    return queryset.defer(*names) if names else queryset


def fill_unread(row, model):
    for unread in unread_fields(model):
        row.__dict__.setdefault(unread.attname, unread.get_default())
    return row


def rows_of(model, pk):
    """Every history row of one record, newest first, whether or not it still exists."""
    return (
        history_model(model).objects.filter(**{model._meta.pk.attname: pk}).order_by(*NEWEST_FIRST)
    )


def record_id(row):
    return getattr(row, row.instance_type._meta.pk.attname)


def foreign_keys(model):
    """The fields by which a record points at one other record."""
    return [
        f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)
    ]


def link_history(history, m2m_field):
    """For a tracked many-to-many field: the table holding each history row's links,
    and its field naming the linked record."""
    table = getattr(history, m2m_field.name).model
    return table, table._meta.get_field(get_m2m_reverse_field_name(m2m_field))


def last_rows(model, pks):
    """The newest history row of each of these records, in one query."""
    history = history_model(model)
    pk_name = model._meta.pk.attname
    newest = (
        history.objects.filter(**{pk_name: OuterRef(pk_name)})
        .order_by(*NEWEST_FIRST)
        .values("history_id")[:1]
    )
    return history.objects.filter(**{f"{pk_name}__in": pks}, history_id=Subquery(newest))


def previous_rows(history, rows):
    """``{history_id: the row before it for the same record}`` for each of ``rows``.

    One query fetches every predecessor; ordering all the rows of each record in
    time then pairs each row with the one before it, whichever of them was on the
    page already.
    """
    pk_name = history.instance_type._meta.pk.attname
    just_before = (
        history.objects.filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")),
            **{pk_name: OuterRef(pk_name)},
        )
        .order_by(*NEWEST_FIRST)
        .values("history_id")[:1]
    )
    predecessor_ids = (
        history.objects.filter(history_id__in=[row.history_id for row in rows])
        .annotate(predecessor_history_id=Subquery(just_before))
        .values("predecessor_history_id")
    )
    every_row = {row.history_id: row for row in rows}
    model = history.instance_type
    predecessors = without_unread(history.objects.filter(history_id__in=predecessor_ids), model)
    for row in predecessors:
        every_row.setdefault(row.history_id, fill_unread(row, model))

    timelines = defaultdict(list)
    for row in every_row.values():
        timelines[getattr(row, pk_name)].append(row)
    previous = {}
    for timeline in timelines.values():
        timeline.sort(key=lambda row: (row.history_date, row.history_id))
        for earlier, later in zip(timeline, timeline[1:], strict=False):
            previous[later.history_id] = earlier
    return previous


# Names of related records


def describe(record):
    """A record's name, even when its name needs a related record that is gone."""
    if isinstance(record, Permission):
        return record.name  # "Can sign off ...", without the app and model it is of
    try:
        return str(record)
    except (AttributeError, ObjectDoesNotExist, TypeError, ValueError):
        return f"{capfirst(record._meta.verbose_name)} {record.pk}"


class RelatedRecords:
    """The records that history rows point at, loaded in one query per model.

    A record deleted since is named from its own last history row and marked
    "(deleted)", so a page never shows a bare id.
    """

    def __init__(self):
        self._wanted = defaultdict(set)
        self._live = {}
        self._gone = {}

    def want(self, model, pk):
        key = (model, pk)
        if pk is not None and key not in self._live and key not in self._gone:
            self._wanted[model].add(pk)

    def want_links_of(self, record, model):
        for link in foreign_keys(model):
            self.want(link.related_model, getattr(record, link.attname))

    def load(self):
        self._load_wanted(name_the_deleted=True)
        # A deleted record's name may mention its own parents (an update "on
        # A-003"): one more round loads those, without looking further back.
        self._load_wanted(name_the_deleted=False)
        for (model, _pk), record in self._gone.items():
            if record is not None:
                self.attach(record, model, deleted_as_records=True)

    def _load_wanted(self, *, name_the_deleted):
        wanted, self._wanted = self._wanted, defaultdict(set)
        for model, pks in wanted.items():
            # Their own links come in the same query: the names of some records
            # (an area's rating "at" a visit) are made from them.
            links = foreign_keys(model)
            # Only their names are wanted of them and of their links, never the
            # unread fields of either.
            unread = [
                f"{link.name}__{field.name}"
                for link in links
                for field in unread_fields(link.related_model)
            ]
            records = model._base_manager.select_related(*(link.name for link in links))
            found = without_unread(records, model).defer(*unread).in_bulk(pks)
            for pk, record in found.items():
                self._live[(model, pk)] = record
            missing = pks - found.keys()
            if missing and name_the_deleted and is_tracked(model):
                for row in without_unread(last_rows(model, missing), model):
                    record = fill_unread(row, model).history_object
                    self._gone[(model, record.pk)] = record
                    self.want_links_of(record, model)
            for pk in missing:
                self._gone.setdefault((model, pk), None)

    def live(self, model, pk):
        return self._live.get((model, pk))

    def label(self, model, pk):
        """The record's name, without saying whether it still exists."""
        record = self._live.get((model, pk)) or self._gone.get((model, pk))
        if record is None:
            return f"{capfirst(model._meta.verbose_name)} {pk}"
        return describe(record)

    def name(self, model, pk):
        if pk is None:
            return NOT_SET
        if (model, pk) in self._live:
            return self.label(model, pk)
        return f"{self.label(model, pk)} (deleted)"

    def attach(self, record, model, *, deleted_as_records):
        """Put the loaded related records in ``record``'s cache, so that reading
        them (as ``diff_against`` and ``__str__`` do) costs no query.

        For ``diff_against`` a deleted one is left empty, which it reports as a
        ``DeletedObject``; for a name, its last known state stands in for it.
        """
        for link in foreign_keys(model):
            key = (link.related_model, getattr(record, link.attname))
            target = self._live.get(key)
            if target is None and deleted_as_records:
                target = self._gone.get(key)
            record._meta.get_field(link.name).set_cached_value(record, target)


# Describing changes


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str = ""
    after: str = ""
    added: tuple = ()
    removed: tuple = ()
    # For a change to who may do what: the change said as sentences, one a grant.
    sentences: tuple = ()
    name: str = ""

    @property
    def is_many(self):
        return bool(self.added or self.removed)

    @property
    def detail(self):
        if not self.is_many:
            return f"{self.before} → {self.after}"
        parts = []
        if self.added:
            parts.append(f"added {'; '.join(self.added)}")
        if self.removed:
            parts.append(f"removed {'; '.join(self.removed)}")
        return ", ".join(parts)

    def __str__(self):
        if self.sentences:
            return "; ".join(self.sentences)
        return f"{self.label}: {self.detail}"


@dataclass
class Change:
    model: type
    history_id: int
    object_id: int
    record: str
    who: str
    who_email: str
    when: datetime.datetime
    kind: str
    fields: list = field(default_factory=list)
    restorable: bool = False

    @property
    def kind_label(self):
        return capfirst(self.kind)

    @property
    def record_kind(self):
        return capfirst(kind_name(self.model))

    @property
    def app_label(self):
        return self.model._meta.app_label

    @property
    def model_name(self):
        return self.model._meta.model_name


def shown(model_field, value, records):
    """A value as people read it: names not ids, labels not codes, UK dates."""
    if isinstance(value, DeletedObject):
        return records.name(value.model, value.pk)
    if isinstance(value, models.Model):
        return describe(value)
    if model_field.is_relation and value is not None:
        return records.name(model_field.related_model, value)
    if value is None or value == "":
        return NOT_SET
    # A model may say how its own fields read (a measure's month as "March 2024"):
    # accounts cannot import the apps below it, so it asks the model.
    in_words = getattr(model_field.model, "history_in_words", None)
    if in_words is not None and (words := in_words(model_field.name, value)) is not None:
        return words
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return date_format(local, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, FieldFile):
        return value.name
    return str(value)


def _label(model_field):
    return capfirst(str(model_field.verbose_name))


def _compared_fields(history):
    """The fields a change can be seen in: as ``diff_against`` compares them."""
    return [f for f in history.tracked_fields if f.editable and not f.primary_key]


def _links_by_row(history, rows, records):
    """``{m2m field: {history_id: set of linked ids}}``, one query per field.

    ``diff_against`` would run two queries per row for each of these fields, so
    the links of every row are read together instead.
    """
    ids = [row.history_id for row in rows]
    links = {}
    for m2m_field in history._history_m2m_fields:
        table, target = link_history(history, m2m_field)
        by_row = defaultdict(set)
        pairs = table.objects.filter(history_id__in=ids).values_list("history_id", target.attname)
        for history_id, target_id in pairs:
            by_row[history_id].add(target_id)
            records.want(target.related_model, target_id)
        links[m2m_field] = by_row
    return links


def _names(records, model, pks):
    return tuple(sorted(records.name(model, pk) for pk in pks))


def _link_changes(row, previous, links, records):
    changes = []
    for m2m_field, by_row in links.items():
        now = by_row.get(row.history_id, set())
        before = by_row.get(previous.history_id, set()) if previous else set()
        if now != before:
            target = m2m_field.related_model
            added, removed = (
                _names(records, target, now - before),
                _names(records, target, before - now),
            )
            changes.append(
                FieldChange(_label(m2m_field), added=added, removed=removed, name=m2m_field.name)
            )
    return changes


def _field_changes(row, previous, records):
    history = type(row)
    compared = {f.name: f for f in _compared_fields(history)}
    if row.history_type == "+":
        values = ((f, shown(f, getattr(row, f.attname), records)) for f in compared.values())
        return [FieldChange(_label(f), NOT_SET, value) for f, value in values if value != NOT_SET]
    if row.history_type == "-" or previous is None:
        # A deletion changes no field; a first row that is not a creation (history
        # switched on after the record existed) has nothing to compare with.
        return []
    delta = row.diff_against(
        previous,
        excluded_fields=[f.name for f in history._history_m2m_fields],
        foreign_keys_are_objs=True,
    )
    # diff_against sorts by name; people read the fields in the model's order.
    order = list(compared)
    changed = sorted(
        (change for change in delta.changes if change.field in compared),
        key=lambda change: order.index(change.field),
    )
    return [
        FieldChange(
            _label(compared[change.field]),
            shown(compared[change.field], change.old, records),
            shown(compared[change.field], change.new, records),
        )
        for change in changed
    ]


def _kind(row):
    if row.history_type == "+" and row.history_change_reason == RESTORED_REASON:
        return "restored"
    if row.history_change_reason == HISTORY_STARTS_REASON:
        return "first recorded"
    return CHANGE_KINDS[row.history_type]


def _restorable_ids(history, rows):
    """The rows that are the last word on a deleted record: the ones to restore from."""
    deleted = {record_id(row) for row in rows if row.history_type == "-"}
    if not deleted:
        return set()
    newest = last_rows(history.instance_type, deleted).filter(history_type="-")
    return set(newest.values_list("history_id", flat=True))


def changes_for(history_qs):
    """Each history row in ``history_qs`` (rows of one model), described.

    Who made it (or "System" when no person did), when, what kind of change, and
    each field's value before and after. Works for records deleted since: their
    history outlives them. The queries it runs do not depend on how many rows
    there are.
    """
    history = history_qs.model
    model = history.instance_type
    rows = [
        fill_unread(row, model)
        for row in without_unread(history_qs.select_related("history_user"), model)
    ]
    if not rows:
        return []
    previous = previous_rows(history, rows)
    records = RelatedRecords()
    every_row = [*rows, *previous.values()]
    for row in every_row:
        records.want_links_of(row, model)
    links = _links_by_row(history, every_row, records)
    records.load()
    for row in every_row:
        records.attach(row, model, deleted_as_records=False)
    restorable = _restorable_ids(history, rows)

    changes = []
    for row in rows:
        before = previous.get(row.history_id)
        as_it_was = row.history_object
        records.attach(as_it_was, model, deleted_as_records=True)
        person = row.history_user
        who = (person.get_full_name() or person.email) if person else SYSTEM
        name = describe(as_it_was)
        link_changes = _link_changes(row, before, links, records)
        if row.history_change_reason != HISTORY_STARTS_REASON:
            link_changes = said_as_grants(model, link_changes, who if person else None, name)
        changes.append(
            Change(
                model=model,
                history_id=row.history_id,
                object_id=record_id(row),
                record=name,
                who=who,
                who_email=person.email if person else "",
                when=row.history_date,
                kind=_kind(row),
                fields=_field_changes(row, before, records) + link_changes,
                restorable=row.history_id in restorable,
            )
        )
    return changes


def record_name(model, pk, *, mark_deleted=True):
    """One record's name, marked "(deleted)" when it is gone, unless the page says so."""
    records = RelatedRecords()
    records.want(model, pk)
    records.load()
    return records.name(model, pk) if mark_deleted else records.label(model, pk)


# The audit log: every change to every tracked model


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class AuditFilters:
    person: object = None
    model: type | None = None
    change: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None

    def models(self):
        return [self.model] if self.model else tracked_models()

    def apply(self, history_qs):
        if self.person is not None:
            history_qs = history_qs.filter(history_user=self.person)
        if self.change:
            history_qs = history_qs.filter(history_type=self.change)
        if self.since:
            history_qs = history_qs.filter(history_date__gte=_start_of(self.since))
        if self.until:
            day_after = self.until + datetime.timedelta(days=1)
            history_qs = history_qs.filter(history_date__lt=_start_of(day_after))
        return history_qs

    def rows(self, model):
        return self.apply(history_model(model).objects.all())


def _keyed(keys, label):
    for when, history_id in keys:
        yield when, history_id, label


def _describe_in_order(keys):
    """Describe rows named by (when, history_id, model label), model by model,
    then put them back in the order given."""
    ids_by_model = defaultdict(list)
    for _when, history_id, label in keys:
        ids_by_model[label].append(history_id)
    described = {}
    for label, ids in ids_by_model.items():
        history = history_model(apps.get_model(label))
        for change in changes_for(history.objects.filter(history_id__in=ids)):
            described[(label, change.history_id)] = change
    return [described[(label, history_id)] for _when, history_id, label in keys]


class AuditLog:
    """Every change the filters match, newest first, across all tracked models.

    History lives in one table per model, so this behaves as one sequence that
    Django's Paginator can count and slice: a page takes the newest rows of each
    table that could be on it, merges them by date, and describes only the page.
    """

    def __init__(self, filters=None):
        self.filters = filters or AuditFilters()

    @cached_property
    def _counts(self):
        return {model: self.filters.rows(model).count() for model in self.filters.models()}

    def count(self):
        return sum(self._counts.values())

    def count_up_to(self, limit):
        """How many changes the filters match, or ``limit`` if there are at least
        that many: no table is read past its first ``limit`` rows, so the cost
        stays the same however long the history grows."""
        self._bounded_counts = {
            model: self.filters.rows(model).order_by()[:limit].count()
            for model in self.filters.models()
        }
        return min(sum(self._bounded_counts.values()), limit)

    def _models_with_rows(self):
        # Counts bounded by count_up_to say just as well which tables hold rows.
        counts = self.__dict__.get("_counts") or getattr(self, "_bounded_counts", None)
        return [model for model, count in (counts or self._counts).items() if count]

    def _newest_keys(self, models, limit=None):
        streams = []
        for model in models:
            keys = (
                self.filters.rows(model)
                .order_by(*NEWEST_FIRST)
                .values_list("history_date", "history_id")
            )
            # A page needs only its own few rows of each table; an export streams
            # them all, a batch at a time, never holding the whole log at once.
            keys = keys[:limit] if limit is not None else keys.iterator(chunk_size=EXPORT_BATCH)
            streams.append(_keyed(keys, model._meta.label))
        return heapq.merge(*streams, reverse=True)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("The audit log is read a page, a slice, at a time")
        with_rows = self._models_with_rows()
        keys = list(islice(self._newest_keys(with_rows, limit=index.stop), index.start, index.stop))
        return _describe_in_order(keys)

    def __iter__(self):
        keys = self._newest_keys(self.filters.models())
        while batch := list(islice(keys, EXPORT_BATCH)):
            yield from _describe_in_order(batch)


# The CSV export

CSV_HEADER = [
    "When",
    "Who",
    "Who's e-mail address",
    "Kind of record",
    "Record id",
    "Record",
    "Change",
    "What changed",
]
# A cell starting with one of these is a formula to Excel (and tab or carriage
# return can smuggle one in): a leading quote makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell):
    text = str(cell)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_rows(changes):
    """The header, then one row per change, every cell safe to open in Excel."""
    yield CSV_HEADER
    for change in changes:
        yield [
            neutralise(cell)
            for cell in (
                timezone.localtime(change.when).isoformat(timespec="seconds"),
                change.who,
                change.who_email,
                change.record_kind,
                change.object_id,
                change.record,
                change.kind_label,
                "; ".join(str(field_change) for field_change in change.fields),
            )
        ]
