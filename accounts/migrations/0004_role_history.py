"""Roles on the record: who holds which role, and what each role may do.

Besides the history tables, this writes down where that history starts: each
person's newest history row is given the roles and permissions they hold now, and
each role gets a first history row with its permissions, so that the first change
recorded afterwards shows only what it changed. The roles' permissions are brought
up to date first (the improvement team now looks after people's details).
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


# accounts.history.HISTORY_STARTS_REASON, which shows these rows as where the record starts.
STARTS = "Role history starts here"


def record_where_role_history_starts(apps, schema_editor):
    from django.utils import timezone

    User = apps.get_model("accounts", "User")
    Group = apps.get_model("auth", "Group")
    HistoricalUser = apps.get_model("accounts", "HistoricalUser")
    UserGroups = apps.get_model("accounts", "HistoricalUser_groups")
    UserPermissions = apps.get_model("accounts", "HistoricalUser_user_permissions")
    HistoricalGroup = apps.get_model("accounts", "HistoricalGroup")
    GroupPermissions = apps.get_model("accounts", "HistoricalGroup_permissions")

    for user in User.objects.all():
        newest = (
            HistoricalUser.objects.filter(id=user.pk)
            .order_by("-history_date", "-history_id")
            .first()
        )
        if newest is None:
            continue
        UserGroups.objects.bulk_create(
            UserGroups(history=newest, user_id=user.pk, group_id=link.group_id, id=link.id)
            for link in User.groups.through.objects.filter(user_id=user.pk)
        )
        UserPermissions.objects.bulk_create(
            UserPermissions(
                history=newest, user_id=user.pk, permission_id=link.permission_id, id=link.id
            )
            for link in User.user_permissions.through.objects.filter(user_id=user.pk)
        )
    now = timezone.now()
    for group in Group.objects.all():
        row = HistoricalGroup.objects.create(
            id=group.pk,
            name=group.name,
            history_date=now,
            history_type="+",
            history_change_reason=STARTS,
        )
        GroupPermissions.objects.bulk_create(
            GroupPermissions(
                history=row, group_id=group.pk, permission_id=link.permission_id, id=link.id
            )
            for link in Group.permissions.through.objects.filter(group_id=group.pk)
        )


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_permissions

    sync_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_reminders_due_soon"),
        ("progress", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": ["full_name"],
                "permissions": [
                    ("view_audit_log", "Can see the audit log of every change"),
                    ("restore_deleted", "Can restore a deleted record from its history"),
                    ("manage_roles", "Can give and remove roles"),
                ],
            },
        ),
        migrations.AlterField(
            model_name="historicaluser",
            name="is_staff",
            field=models.BooleanField(
                default=False,
                help_text="Django's staff flag. Only system administrators (superusers) may open "
                "the admin, whatever this says.",
                verbose_name="staff status",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="is_staff",
            field=models.BooleanField(
                default=False,
                help_text="Django's staff flag. Only system administrators (superusers) may open "
                "the admin, whatever this says.",
                verbose_name="staff status",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalGroup",
            fields=[
                (
                    "id",
                    models.IntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(db_index=True, max_length=150, verbose_name="name")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical group",
                "verbose_name_plural": "historical groups",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalGroup_permissions",
            fields=[
                (
                    "id",
                    models.IntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "group",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="auth.group",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="accounts.historicalgroup",
                    ),
                ),
                (
                    "permission",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="auth.permission",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalGroup_permissions",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalUser_groups",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "group",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="auth.group",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="accounts.historicaluser",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalUser_groups",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalUser_user_permissions",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="accounts.historicaluser",
                    ),
                ),
                (
                    "permission",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="auth.permission",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalUser_user_permissions",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
        migrations.RunPython(record_where_role_history_starts, migrations.RunPython.noop),
    ]
