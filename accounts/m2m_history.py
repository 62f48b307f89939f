"""History for many-to-many links changed from either end.

simple-history records a change to a tracked many-to-many field made from the
record's own side (``person.groups.add(role)``). The same change made from the
other side (``role.user_set.add(person)``) reaches the same signal with the other
record as ``instance``, which simple-history would try to record as if it were a
person. Here each person it touches gets their history row instead, named for
whoever is acting, so who holds which role is on the record however it changed.
"""

from django.conf import settings
from simple_history.models import HistoricalRecords


class EitherSideHistoricalRecords(HistoricalRecords):
    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return None
        if hasattr(instance, "skip_history_when_saving"):
            return None
        records = self.cls._default_manager
        if action == "pre_clear":
            # After the clear nothing says who was linked: note them first.
            instance._history_cleared_pks = list(
                records.filter(**{attr: instance}).values_list("pk", flat=True)
            )
            return None
        if action == "post_clear":
            pk_set = instance.__dict__.pop("_history_cleared_pks", [])
        elif action not in ("post_add", "post_remove"):
            return None
        for record in records.filter(pk__in=pk_set or ()):
            if hasattr(instance, "_history_user"):
                record._history_user = instance._history_user
            self.create_historical_record(record, "~")
        return None
