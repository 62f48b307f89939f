"""The one place that answers "may this person do this to this record?".

Views, templates and tests all ask ``may(user, verb, obj)`` so that what a page
shows and what the server allows cannot drift apart. ``obj`` is a model instance
or a model class (for "add" and list pages).

Verbs:
- ``view``, ``add``, ``change``, ``delete``: Django's model permissions, with
  unpublished or internal records hidden from anyone without ``view_internal``;
- ``post_update``: post a progress update or evidence on an action;
- ``sign_off``: a senior leader signing off that an action's impact is shown;
- ``withdraw_sign_off``: a senior leader taking back a sign-off, with a reason;
- ``enter_figures``: enter or correct measures' monthly figures: the improvement
  team for every measure, and an officer for the measures they supply (``obj`` a
  measure, or the Measure class for "any at all");
- ``view_history`` and ``restore``: the audit trail and bringing back a deleted record;
- ``view_dashboard``: the senior leaders' dashboard of internal figures (senior
  leaders and the improvement team);
- ``grant_roles``: give a person roles or take them away (``accounts.granting``
  says which combinations are allowed): people who hold ``manage_roles``, and
  system administrators, for anyone but themselves.

Scrutiny members never write, whatever permissions their account may have been
given by mistake: their group is checked as well as their permissions.
"""

from .roles import (
    IMPROVEMENT_TEAM,
    MANAGE_ROLES,
    RESTORE_DELETED,
    SCRUTINY_MEMBER,
    SENIOR_LEADER,
    SIGN_OFF_IMPACT,
    VIEW_AUDIT_LOG,
    VIEW_INTERNAL,
)

WRITE_VERBS = {
    "add",
    "change",
    "delete",
    "post_update",
    "enter_figures",
    "sign_off",
    "withdraw_sign_off",
    "restore",
    "issue_token",
    "change_own_preferences",
    "grant_roles",
}
VERBS = WRITE_VERBS | {"view", "view_history", "view_dashboard"}


def _group_names(user):
    # Cached on the user object: a page may ask dozens of questions.
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True))
    return user._role_names


def has_role(user, role):
    return bool(user and user.is_authenticated and role in _group_names(user))


def is_improvement_team(user):
    return has_role(user, IMPROVEMENT_TEAM)


def is_senior_leader(user):
    return has_role(user, SENIOR_LEADER)


def is_scrutiny_member(user):
    return has_role(user, SCRUTINY_MEMBER)


def is_system_administrator(user):
    """The only people who may open the Django admin: active superusers."""
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def is_read_only(user):
    """Scrutiny members, and nobody else, are read-only everywhere."""
    return is_scrutiny_member(user) and not user.is_superuser


def _perm(verb, obj):
    meta = obj._meta
    return f"{meta.app_label}.{verb}_{meta.model_name}"


def is_internal(obj):
    """A record that only council officers may see (an unpublished letter, say)."""
    if isinstance(obj, type):
        return False
    return not getattr(obj, "visible_to_scrutiny", True)


def is_own_action(user, obj):
    """``obj`` is an action (anything with an owner) that ``user`` owns."""
    return not isinstance(obj, type) and getattr(obj, "owner_id", None) == user.pk


def may_enter_every_measure(user):
    return user.has_perm("measures.add_measurevalue") and user.has_perm(
        "measures.change_measurevalue"
    )


def supplies_measures(user):
    """Whether ``user`` is named as the officer who supplies any measure's figures."""
    if not hasattr(user, "_supplies_measures"):
        user._supplies_measures = user.supplied_measures.exists()
    return user._supplies_measures


def may(user, verb, obj=None):
    # A misspelt verb is a bug to hear about at once, whoever is signed in, not a
    # silent "no" that only shows when someone with a role tries it.
    if verb not in VERBS:
        raise ValueError(f"Unknown verb {verb!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if verb in WRITE_VERBS and is_read_only(user):
        return False

    if verb == "view" and is_own_action(user, obj):
        # Owners need no role to see the actions they are asked to report on.
        return True
    superuser_account = not isinstance(obj, type) and getattr(obj, "is_superuser", False) is True
    if verb in {"change", "delete"} and superuser_account and not user.is_superuser:
        # Whoever could change a system administrator's account could take it over.
        return False
    if verb in {"view", "add", "change", "delete"}:
        if not user.has_perm(_perm(verb, obj)):
            return False
        return not (is_internal(obj) and not user.has_perm(VIEW_INTERNAL))
    if verb == "post_update":
        if isinstance(obj, type):
            return False
        return is_own_action(user, obj) or user.has_perm("actions.change_improvementaction")
    if verb == "enter_figures":
        # Whoever supplies a measure's figure each month enters it, with no role needed.
        if may_enter_every_measure(user):
            return True
        if obj is None or isinstance(obj, type):
            return supplies_measures(user)
        return getattr(obj, "owner_id", None) == user.pk
    if verb == "sign_off":
        return user.has_perm(SIGN_OFF_IMPACT) and (
            obj is None or isinstance(obj, type) or obj.ready_for_sign_off
        )
    if verb == "withdraw_sign_off":
        return user.has_perm(SIGN_OFF_IMPACT) and (
            obj is None or isinstance(obj, type) or obj.signed_off_at is not None
        )
    if verb == "change_own_preferences":
        return True  # anyone but a councillor chooses what reminders they get
    if verb == "issue_token":
        # Making or revoking one's own feed token: any officer; never a councillor,
        # who must not be able to change anything at all.
        return True
    if verb == "grant_roles":
        # Nobody changes their own roles: a grant needs a second person, and nobody
        # can lock themselves out or raise themselves up. A system administrator's
        # account is changed by another system administrator only.
        if not user.has_perm(MANAGE_ROLES):
            return False
        if obj is None or isinstance(obj, type):
            return True
        return obj.pk != user.pk and (user.is_superuser or not obj.is_superuser)
    if verb == "view_history":
        return user.has_perm(VIEW_AUDIT_LOG)
    if verb == "view_dashboard":
        # Its figures count unpublished and internal records alike, so it is for
        # the officers who lead the improvement work, not for councillors or owners.
        return user.is_superuser or is_senior_leader(user) or is_improvement_team(user)
    # The only verb left is "restore".
    return user.has_perm(RESTORE_DELETED)
