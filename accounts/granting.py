"""Giving people roles and taking them away: the rules, and the one function that
does it, so that the roles page, the admin and any script keep the same rules and
every grant is on the record as "who gave whom which role".

Who may grant is ``accounts.access.may(user, "grant_roles", person)``: people who
hold ``accounts.manage_roles`` (named officers who lead the improvement work) and
system administrators, never for themselves. What may be granted:

- only the service's three roles (``accounts.roles.ROLES``); other groups a system
  administrator made in the admin are left as they are;
- a scrutiny member holds no other role: councillors only read, so they hold
  nothing that writes;
- nobody who owns an action, manages someone, gives roles or administers the
  system can be made a scrutiny member: their actions, reports and powers would
  be a councillor's. Hand those over first.

Giving and removing ``manage_roles`` itself is for system administrators only.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .audit import acting_as
from .roles import MANAGE_ROLES, ROLES, SCRUTINY_MEMBER


def _plural(count, singular, plural):
    return f"{count} {singular if count == 1 else plural}"


@dataclass(frozen=True)
class Problem:
    field: str  # the form field the fix is made in: "roles" or "manages_roles"
    message: str


def role_problems(person, roles, *, manages_roles=None, is_superuser=None):
    """What is wrong with ``person`` holding exactly ``roles`` (names of groups),
    and ``manages_roles`` and ``is_superuser`` if given (else as now); empty when
    nothing is."""
    roles = set(roles)
    if manages_roles is None:
        manages_roles = holds_manage_roles(person)
    if is_superuser is None:
        is_superuser = person.is_superuser
    if SCRUTINY_MEMBER not in roles:
        return []
    problems = []
    others = sorted(roles - {SCRUTINY_MEMBER})
    if others:
        problems.append(
            Problem(
                "roles",
                "A scrutiny member cannot hold any other role. Choose Scrutiny member on "
                f"its own, or remove it to keep {' and '.join(others)}",
            )
        )
    if person.pk is not None:
        owned = person.owned_actions.count()
        if owned:
            problems.append(
                Problem(
                    "roles",
                    f"{person} owns {_plural(owned, 'improvement action', 'improvement actions')}"
                    f". Give {'it' if owned == 1 else 'them'} to another officer before making "
                    f"{person} a scrutiny member",
                )
            )
        reports = person.reports.count()
        if reports:
            problems.append(
                Problem(
                    "roles",
                    f"{person} is the line manager of {_plural(reports, 'person', 'people')}. "
                    f"Give {'them' if reports == 1 else 'each of them'} another line manager "
                    f"before making {person} a scrutiny member",
                )
            )
    if is_superuser:
        problems.append(
            Problem("roles", f"{person} is a system administrator and cannot be a scrutiny member")
        )
    if manages_roles:
        problems.append(
            Problem(
                "manages_roles",
                f"{person} gives and removes roles, which a scrutiny member cannot do. "
                "Take that away first, or do not make them a scrutiny member",
            )
        )
    return problems


def roles_of(person):
    """The service's roles ``person`` holds, by name."""
    if person.pk is None:
        return set()
    return set(person.groups.filter(name__in=ROLES).values_list("name", flat=True))


def holds_manage_roles(person):
    """Given ``manage_roles`` themselves (system administrators hold every
    permission without being given it)."""
    if person.pk is None:
        return False
    app_label, codename = MANAGE_ROLES.split(".")
    return person.user_permissions.filter(
        content_type__app_label=app_label, codename=codename
    ).exists()


def manage_roles_permission():
    app_label, codename = MANAGE_ROLES.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


class RolesRefused(Exception):
    def __init__(self, problems):
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class RoleChange:
    given: tuple
    removed: tuple
    manages_roles: bool | None = None  # None: unchanged

    @property
    def changed_anything(self):
        return bool(self.given or self.removed or self.manages_roles is not None)


def set_roles(person, roles, actor, *, manages_roles=None):
    """Make ``person`` hold exactly ``roles`` of the service's roles (and, if given,
    ``manages_roles``), recorded in ``actor``'s name; refused whole if any rule is
    broken. Returns what changed."""
    roles = set(roles)
    unknown = roles - set(ROLES)
    if unknown:
        raise ValueError(f"Not roles of the service: {', '.join(sorted(unknown))}")
    held = roles_of(person)
    # Groups other than the service's roles (made by a system administrator) stay,
    # and count: a scrutiny member may hold none of them either.
    kept = set(person.groups.exclude(name__in=ROLES).values_list("name", flat=True))
    problems = role_problems(person, roles | kept, manages_roles=manages_roles)
    if problems:
        raise RolesRefused(problems)
    given, removed = sorted(roles - held), sorted(held - roles)
    manages_now = holds_manage_roles(person)
    manages_change = None if manages_roles in (None, manages_now) else manages_roles
    with transaction.atomic():
        # Each history row these writes leave names the actor.
        acting_as(person, actor)
        if removed:
            person.groups.remove(*Group.objects.filter(name__in=removed))
        if given:
            person.groups.add(*Group.objects.filter(name__in=given))
        if manages_change is True:
            person.user_permissions.add(manage_roles_permission())
        elif manages_change is False:
            person.user_permissions.remove(manage_roles_permission())
    # The roles and permissions the object has cached are out of date.
    for cached in ("_role_names", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        person.__dict__.pop(cached, None)
    return RoleChange(tuple(given), tuple(removed), manages_change)
