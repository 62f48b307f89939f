"""Writing with a name on it: every change made outside a web request (a form saved
by code, an import, a task) says who made it, so the history row names them.

Inside a request, HistoryRequestMiddleware already supplies the user; these
helpers make the acting person explicit everywhere else.
"""

from django.db import models, transaction


def acting_as(obj, user):
    """Mark ``obj`` so that its next history rows name ``user``."""
    obj._history_user = user
    return obj


def save_as(obj, user, **kwargs):
    acting_as(obj, user)
    obj.save(**kwargs)
    return obj


def delete_as(obj, user):
    """Delete ``obj`` and any rows it cascades to, all recorded as ``user``.

    Rows removed by a cascade are deleted by Django one by one with signals, so
    they each get a history row. This does what ``Model.delete()`` does, but
    marks the very instances the collector is about to delete: ``obj.delete()``
    would collect fresh copies of the cascaded rows, unmarked, and their history
    rows would name nobody.
    """
    from django.db.models.deletion import Collector

    with transaction.atomic():
        collector = Collector(using=obj._state.db, origin=obj)
        collector.collect([obj])  # refuses PROTECTed rows, as obj.delete() would
        for instances in collector.data.values():
            for instance in instances:
                acting_as(instance, user)
        return collector.delete()


def record_links_cleared(sender, instance, **kwargs):
    """Before ``instance`` goes, clear each recorded row's link to it one by one.

    ``on_delete=SET_NULL`` is done by Django as one UPDATE with no signals, so
    a finding whose area of concern is deleted, or a person whose line manager
    leaves, would change without a history row. Saving each such row here first
    (in the deletion's transaction, connected to ``pre_delete``) records the
    change, named for whoever is deleting: the person ``delete_as`` marked, or
    the request's user through the history middleware. The UPDATE that follows
    then finds nothing left to change.
    """
    user = getattr(instance, "_history_user", None)
    for relation in sender._meta.related_objects:
        if relation.on_delete is not models.SET_NULL or relation.many_to_many:
            continue
        linked = relation.related_model
        if not getattr(linked._meta, "simple_history_manager_attribute", None):
            continue  # not a recorded model: the UPDATE is all there is
        link = relation.field
        for row in linked._default_manager.filter(**{link.name: instance.pk}):
            setattr(row, link.attname, None)
            if user is not None:
                acting_as(row, user)
            row.save(update_fields=[link.name])
