from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self):
        from axes.signals import user_locked_out
        from django.apps import apps
        from django.contrib.auth.signals import user_login_failed

        from .audit import connect_links_cleared_on_delete
        from .security import log_failed_sign_in, log_lockout

        # A link cleared by a deletion (on_delete=SET_NULL) leaves a history row.
        connect_links_cleared_on_delete(apps.get_models())

        # Failed sign-ins and lockouts go to the security log (accounts/security.py).
        user_login_failed.connect(log_failed_sign_in, dispatch_uid="accounts.log_failed_sign_in")
        user_locked_out.connect(log_lockout, dispatch_uid="accounts.log_lockout")


class SystemAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site that only system administrators may open
    (named in INSTALLED_APPS in its place)."""

    default = False
    default_site = "accounts.admin_site.SystemAdminSite"
