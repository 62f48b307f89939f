from django.db import migrations


def sync_roles(apps, schema_editor):
    # Committee packs join the roles' permissions: the improvement team freezes
    # them; everyone else, councillors included, reads them.
    from accounts.roles import sync_role_permissions

    sync_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
