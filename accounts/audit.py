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
    they each get a history row; they are marked first so it names the person.
    """
    from django.contrib.admin.utils import NestedObjects

    with transaction.atomic():
        collector = NestedObjects(using=obj._state.db)
        collector.collect([obj])
        for related in _flatten(collector.nested()):
            acting_as(related, user)
        acting_as(obj, user)
        return obj.delete()


def _flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item
