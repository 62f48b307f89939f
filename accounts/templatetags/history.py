from django import template
from django.urls import reverse

from accounts.access import may
from accounts.history import changes_for, is_tracked, rows_of

register = template.Library()

LATEST = 20


@register.inclusion_tag("includes/object_history.html", takes_context=True)
def object_history(context, obj):
    """``{% object_history visit %}``: the latest changes to a record, for those
    who may see history, with a link to all of them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if obj is None or not is_tracked(type(obj)) or not may(user, "view_history"):
        return {"shown": False}
    rows = rows_of(type(obj), obj.pk)
    meta = obj._meta
    return {
        "shown": True,
        "changes": changes_for(rows[:LATEST]),
        "total": rows.count(),
        "full_history_url": reverse(
            "accounts:object_history", args=[meta.app_label, meta.model_name, obj.pk]
        ),
    }
