from django.db import migrations


def sync_roles(apps, schema_editor):
    # Measures join the roles' permissions: the improvement team keeps them; senior
    # leaders and councillors read them (councillors only those shared with them).
    from accounts.roles import record_role_permissions, sync_role_permissions

    sync_role_permissions(apps)
    record_role_permissions(apps, "Performance measures join the roles")


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0001_initial"),
        ("accounts", "0005_email_in_its_one_spelling"),
        ("accounts", "0004_role_history"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
