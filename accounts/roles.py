"""The three roles, as groups, and the permissions each one holds.

Action owners are not a role: anyone may own an action, and what an owner may do
to their own actions is decided object by object in ``accounts.access``.
"""

IMPROVEMENT_TEAM = "Improvement team"
SENIOR_LEADER = "Senior leader"
SCRUTINY_MEMBER = "Scrutiny member"
ROLES = (IMPROVEMENT_TEAM, SENIOR_LEADER, SCRUTINY_MEMBER)

# Every model people change, by app. The improvement team keeps all of them.
DOMAIN_MODELS = {
    "inspections": [
        "localauthority",
        "inspection",
        "judgement",
        "visit",
        "areaofconcern",
        "visitarea",
    ],
    "findings": ["finding", "arearating"],
    "measures": ["measure", "measurevalue"],
    "actions": ["improvementaction", "actionupdate", "evidence"],
    "progress": ["committeepack"],
}

# What scrutiny members may read: published progress, never internal evidence.
SCRUTINY_READABLE = {
    "inspections": [
        "localauthority",
        "inspection",
        "judgement",
        "visit",
        "areaofconcern",
        "visitarea",
    ],
    "findings": ["finding", "arearating"],
    # Only the measures shared with them: see measures.models.MeasureQuerySet.
    "measures": ["measure", "measurevalue"],
    "actions": ["improvementaction", "actionupdate"],
    "progress": ["committeepack"],
}

VIEW_INTERNAL = "inspections.view_internal"
SIGN_OFF_IMPACT = "actions.sign_off_impact"
VIEW_AUDIT_LOG = "accounts.view_audit_log"
RESTORE_DELETED = "accounts.restore_deleted"
# Giving and removing roles is not a role of its own: it is held by the named
# people who lead the improvement work (and by system administrators), given to
# each of them in the admin or on their roles page by a system administrator.
MANAGE_ROLES = "accounts.manage_roles"


def _crud(models_by_app, verbs):
    return {
        f"{app}.{verb}_{model}"
        for app, models in models_by_app.items()
        for model in models
        for verb in verbs
    }


ROLE_PERMISSIONS = {
    # The improvement team looks after the people who use the service (their
    # details and whether they may sign in), but not their roles: see MANAGE_ROLES.
    IMPROVEMENT_TEAM: _crud(DOMAIN_MODELS, ("add", "change", "delete", "view"))
    | {"accounts.view_user", "accounts.add_user", "accounts.change_user"}
    | {VIEW_INTERNAL, VIEW_AUDIT_LOG, RESTORE_DELETED},
    SENIOR_LEADER: _crud(DOMAIN_MODELS, ("view",))
    | {"accounts.view_user", VIEW_INTERNAL, VIEW_AUDIT_LOG, SIGN_OFF_IMPACT},
    SCRUTINY_MEMBER: _crud(SCRUTINY_READABLE, ("view",)),
}


def sync_role_permissions(apps):
    """Make each role's group hold exactly the permissions above.

    Takes an app registry so that data migrations can call it with the
    historical models; permissions are created first because Django only makes
    them after migrations have run.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # create_permissions skips an app without a models module, as a migration's
        # stand-in apps are; the real registry's must be put back as they were, or
        # every later post_migrate (the flush after a transactional test) skips them.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, wanted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for dotted in sorted(wanted):
            app_label, codename = dotted.split(".")
            # A model whose app has not been migrated yet has no permission to
            # give; the migration that adds it calls this function again.
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                permissions.append(permission)
        group.permissions.set(permissions)


def record_role_permissions(apps, reason):
    """Write each role's permissions, as they are now, into its history.

    A migration that changes what the roles may do (``sync_role_permissions``) calls
    this next, so the audit log says when and why the roles changed, in the name of
    the system, and the next change a person makes shows only what they changed.
    """
    from django.utils import timezone

    Group = apps.get_model("auth", "Group")
    HistoricalGroup = apps.get_model("accounts", "HistoricalGroup")
    GroupPermissions = apps.get_model("accounts", "HistoricalGroup_permissions")
    now = timezone.now()
    for group in Group.objects.filter(name__in=ROLES):
        row = HistoricalGroup.objects.create(
            id=group.pk,
            name=group.name,
            history_date=now,
            history_type="~",
            history_change_reason=reason,
        )
        GroupPermissions.objects.bulk_create(
            GroupPermissions(
                history=row, group_id=group.pk, permission_id=link.permission_id, id=link.id
            )
            for link in Group.permissions.through.objects.filter(group_id=group.pk)
        )
