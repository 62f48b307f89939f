from django import template

from accounts.access import may as may_do

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, verb, obj=None):
    """``{% may "change" visit as can_change %}``: the same rule the views enforce."""
    return may_do(context["request"].user, verb, obj)
