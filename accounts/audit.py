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
    for link in recorded_links_cleared_on_delete(sender):
        for row in link.model._default_manager.filter(**{link.name: instance.pk}):
            setattr(row, link.attname, None)
            if user is not None:
                acting_as(row, user)
            row.save(update_fields=[link.name])


def recorded_links_cleared_on_delete(model):
    """The foreign keys of recorded models that a deletion of ``model`` sets to null."""
    return [
        relation.field
        for relation in model._meta.related_objects
        if relation.on_delete is models.SET_NULL
        and not relation.many_to_many
        and getattr(relation.related_model._meta, "simple_history_manager_attribute", None)
    ]


def connect_links_cleared_on_delete(all_models):
    """Listen for the deletion of each model a recorded row links to with SET_NULL.

    Only those: a ``pre_delete`` receiver for every model would stop Django
    deleting any queryset in one statement, since it must then load each row to
    send the signal."""
    from django.db.models.signals import pre_delete

    for model in all_models:
        if recorded_links_cleared_on_delete(model):
            pre_delete.connect(
                record_links_cleared,
                sender=model,
                dispatch_uid=f"accounts.record_links_cleared.{model._meta.label_lower}",
            )
