"""What tells the dashboard that its figures have changed: a committed save or
delete of any record whose history the data stamp reads
(``dashboard.STAMPED_MODELS``), or a change to an action's areas or findings
(both leave a history row on the action, so both move the stamp)."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from actions.models import ImprovementAction

from . import dashboard
from .tasks import request_refresh

M2M_CHANGES = {"post_add", "post_remove", "post_clear"}


def record_changed(sender, instance, raw=False, **kwargs):
    # Loading fixtures (raw) and saves that write no history row, such as signing
    # in, leave the stamp as it was: nothing to refresh.
    if raw or getattr(instance, "skip_history_when_saving", False):
        return
    # After commit: a worker must see the change it is asked to count; robust, as
    # a failed refresh must never fail the save that asked for it.
    transaction.on_commit(request_refresh, robust=True)


def links_changed(sender, action, **kwargs):
    if action in M2M_CHANGES:
        transaction.on_commit(request_refresh, robust=True)


def connect():
    for model in dashboard.STAMPED_MODELS:
        post_save.connect(record_changed, sender=model, dispatch_uid=f"dashboard-save-{model}")
        post_delete.connect(record_changed, sender=model, dispatch_uid=f"dashboard-del-{model}")
    for links in (ImprovementAction.areas.through, ImprovementAction.findings.through):
        m2m_changed.connect(links_changed, sender=links, dispatch_uid=f"dashboard-links-{links}")
