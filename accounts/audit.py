"""Writing with a name on it: every change made outside a web request (a form saved
by code, an import, a task) says who made it, so the history row names them.

Inside a request, HistoryRequestMiddleware already supplies the user; these
helpers make the acting person explicit everywhere else.
"""

from django.db import transaction


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
