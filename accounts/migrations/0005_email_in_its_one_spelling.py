"""Every stored e-mail address in its one spelling (accounts.identity), then a
constraint that keeps it so.

An address stored in another spelling (capitals, spaces around it) is rewritten, and
each person whose address changes gets a history row saying why. An address that
cannot be made plain (a look-alike letter such as "ſ" or "ı"), or whose one spelling
is another person's, stops the migration with nothing changed and names the people:
which of two accounts is the real one is a person's decision, not a migration's.
"""

import unicodedata

import django.db.models.functions.text
from django.db import migrations, models

import accounts.identity

REASON = "E-mail address written in its one spelling"


def one_spelling(value):
    # accounts.identity.normalise_email as it is at this migration.
    return unicodedata.normalize("NFKC", str(value or "")).casefold().strip()


class AddressesNeedAPerson(RuntimeError):
    pass


def write_addresses_in_their_one_spelling(apps, schema_editor):
    from django.utils import timezone

    User = apps.get_model("accounts", "User")
    HistoricalUser = apps.get_model("accounts", "HistoricalUser")
    UserGroups = apps.get_model("accounts", "HistoricalUser_groups")
    UserPermissions = apps.get_model("accounts", "HistoricalUser_user_permissions")

    people = list(User.objects.order_by("pk"))
    holders = {}
    for person in people:
        holders.setdefault(one_spelling(person.email), []).append(person)
    problems = []
    for spelling, holding in holders.items():
        look_alikes = [p for p in holding if not p.email.strip().isascii()]
        if look_alikes:
            problems += [f"{p.pk} {p.email!r}: not plain letters and numbers" for p in look_alikes]
        elif len(holding) > 1:
            named = ", ".join(f"{p.pk} {p.email!r}" for p in holding)
            problems.append(f"{named}: one address, {len(holding)} people")
    if problems:
        raise AddressesNeedAPerson(
            "These people's e-mail addresses must be put right before this version can "
            "be installed (change them on the people pages of the version running now, "
            "then migrate again):\n  " + "\n  ".join(problems)
        )

    copied = [
        field.attname
        for field in HistoricalUser._meta.concrete_fields
        if not field.name.startswith("history_")
    ]
    now = timezone.now()
    for person in people:
        spelling = one_spelling(person.email)
        if person.email == spelling:
            continue
        person.email = spelling
        User.objects.filter(pk=person.pk).update(email=spelling)
        row = HistoricalUser.objects.create(
            **{name: getattr(person, name) for name in copied},
            history_date=now,
            history_type="~",
            history_change_reason=REASON,
            history_user=None,
        )
        UserGroups.objects.bulk_create(
            UserGroups(history=row, user_id=person.pk, group_id=link.group_id, id=link.id)
            for link in User.groups.through.objects.filter(user_id=person.pk)
        )
        UserPermissions.objects.bulk_create(
            UserPermissions(
                history=row, user_id=person.pk, permission_id=link.permission_id, id=link.id
            )
            for link in User.user_permissions.through.objects.filter(user_id=person.pk)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_role_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicaluser",
            name="email",
            field=models.EmailField(
                db_index=True,
                max_length=254,
                validators=[accounts.identity.require_plain_address],
                verbose_name="e-mail address",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="email",
            field=models.EmailField(
                max_length=254,
                unique=True,
                validators=[accounts.identity.require_plain_address],
                verbose_name="e-mail address",
            ),
        ),
        migrations.RunPython(write_addresses_in_their_one_spelling, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("email", django.db.models.functions.text.Lower("email")))
                & models.Q(("email__regex", "[^!-~]"), _negated=True),
                name="user_email_in_its_one_spelling",
                violation_error_message=(
                    "An e-mail address is kept in lower case and plain letters and numbers."
                ),
            ),
        ),
    ]
