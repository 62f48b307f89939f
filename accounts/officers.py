"""Officers and councillors: who may own an action or manage a person.

Councillors on the scrutiny committee only ever read. An action's owner reports
progress on it and is reminded of it, and a line manager hears of their reports'
long-overdue actions: both are officers' work, so neither can ever be a scrutiny
member. Every form that picks an owner or a line manager offers only officers,
the models refuse a councillor whoever saves them, and the role rules
(``accounts.granting``) refuse to make an owner or a line manager a councillor.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from .roles import SCRUTINY_MEMBER


def holds_scrutiny_role(person_ref="pk"):
    """True where the person ``person_ref`` names (an outer reference to a person's
    id) is a scrutiny member: one EXISTS test, for any number of rows."""
    memberships = get_user_model().groups.through.objects
    return Exists(memberships.filter(user_id=OuterRef(person_ref), group__name=SCRUTINY_MEMBER))


def officers(queryset=None):
    """``queryset`` (everyone, by default) less the scrutiny members."""
    if queryset is None:
        queryset = get_user_model()._default_manager.all()
    return queryset.filter(~holds_scrutiny_role())


def is_scrutiny_member_id(pk):
    """Whether the person with this id holds the scrutiny member role; asked by
    forms of a person they have not loaded."""
    if pk is None:
        return False
    memberships = get_user_model().groups.through.objects
    return memberships.filter(user_id=pk, group__name=SCRUTINY_MEMBER).exists()


def not_an_owner_message(person):
    return (
        f"{person} is a scrutiny member, and scrutiny members cannot own actions. Choose an officer"
    )


def not_a_line_manager_message(person):
    return (
        f"{person} is a scrutiny member, and scrutiny members cannot be line managers. "
        "Choose an officer"
    )
