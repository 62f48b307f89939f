"""Bringing back a deleted record from the last row of its history.

The record comes back as it was when it was deleted, with the same id, so links
to it in older history rows name it again. The restore is itself a history row
naming the person who made it. Records deleted along with it (a visit's findings)
are not brought back with it: each is restored from its own history.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from .audit import save_as
from .history import (
    RESTORED_REASON,
    RelatedRecords,
    foreign_keys,
    link_history,
    previous_rows,
    record_id,
    rows_of,
)

CLASH = (
    "It could not be restored: a record it depends on has gone, or a record made "
    "since clashes with it. Nothing has been changed."
)


class RestoreRefused(Exception):
    def __init__(self, problems):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Restored:
    record: object
    # Names of linked records (an action's findings) deleted since, so not relinked.
    lost_links: tuple = ()


def _kind(model):
    return model._meta.verbose_name


def restore_problems(row):
    """Why the record deleted in ``row`` cannot come back, in words; empty if it can."""
    model = row.instance_type
    pk = record_id(row)
    records = RelatedRecords()
    records.want(model, pk)
    for link in foreign_keys(model):
        records.want(link.related_model, getattr(row, link.attname))
    records.load()

    if records.live(model, pk) is not None:
        return [f"This {_kind(model)} already exists again, so there is nothing to restore."]
    later = rows_of(model, pk).filter(
        Q(history_date__gt=row.history_date)
        | Q(history_date=row.history_date, history_id__gt=row.history_id)
    )
    if later.exists():
        return [
            f"This {_kind(model)} was restored and deleted again since. "
            "Restore it from its latest deletion."
        ]

    missing_parents = [
        f"The {_kind(link.related_model)} it belongs to, "
        f"‘{records.label(link.related_model, getattr(row, link.attname))}’, has been deleted. "
        "Restore that first."
        for link in foreign_keys(model)
        if getattr(row, link.attname) is not None
        and records.live(link.related_model, getattr(row, link.attname)) is None
    ]
    if missing_parents:
        return missing_parents

    record = row.instance
    try:
        record.validate_unique()
        record.validate_constraints()
    except ValidationError as error:
        return error.messages
    return []


def _links_before_deletion(row):
    """``{m2m field: ids}`` as they were just before the deletion, keeping only
    linked records that still exist, and the names of those that do not.

    The deletion's own row has no links: Django removes them before the record.
    """
    history = type(row)
    if not history._history_m2m_fields:
        return {}, ()
    before = previous_rows(history, [row]).get(row.history_id)
    links, lost = {}, []
    records = RelatedRecords()
    for m2m_field in history._history_m2m_fields:
        table, target = link_history(history, m2m_field)
        pks = set(table.objects.filter(history=before).values_list(target.attname, flat=True))
        for pk in pks:
            records.want(target.related_model, pk)
        links[m2m_field] = pks
    records.load()
    for m2m_field, pks in links.items():
        target_model = m2m_field.related_model
        lost += [
            records.label(target_model, pk) for pk in pks if not records.live(target_model, pk)
        ]
        links[m2m_field] = {pk for pk in pks if records.live(target_model, pk)}
    return links, tuple(sorted(lost))


def restore(row, user):
    """Bring back the record deleted in ``row``, recorded as ``user``'s doing.

    Raises RestoreRefused with the reasons when it cannot; nothing is then saved.
    """
    problems = restore_problems(row)
    if problems:
        raise RestoreRefused(problems)
    record = row.instance
    record._change_reason = RESTORED_REASON
    links, lost = _links_before_deletion(row)
    model = row.instance_type
    tables = [model._meta.db_table] + [f.remote_field.through._meta.db_table for f in links]
    try:
        with transaction.atomic():
            # An insert, never an update: if the record came back meanwhile, this
            # clashes rather than overwriting it.
            save_as(record, user, force_insert=True)
            for m2m_field, pks in links.items():
                if pks:
                    getattr(record, m2m_field.name).add(*pks)
            # The database checks links to parents only at commit, after the page
            # has answered; checking now means a parent deleted a moment ago stops
            # this here, with a message, and nothing half-saved.
            connection.check_constraints(table_names=tables)
    except IntegrityError as error:
        raise RestoreRefused([CLASH]) from error
    return Restored(record, lost)
