from django import template
from django.apps import apps

from accounts.access import may as may_do

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, verb, obj=None):
    """``{% may "change" visit as can_change %}``: the same rule the views enforce.

    ``obj`` may name a model as "app_label.Model" (``{% may "add"
    "actions.ImprovementAction" as can_add_action %}``), so that a page of a layer
    can offer a link into a layer below it without importing it.
    """
    if isinstance(obj, str):
        obj = apps.get_model(obj)
    return may_do(context["request"].user, verb, obj)
