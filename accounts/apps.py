from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_login_failed
        from django.db.models.signals import pre_delete

        from .audit import record_links_cleared
        from .security import log_failed_sign_in, log_lockout

        # A link cleared by a deletion (on_delete=SET_NULL) leaves a history row.
        pre_delete.connect(record_links_cleared, dispatch_uid="accounts.record_links_cleared")

        # Failed sign-ins and lockouts go to the security log (accounts/security.py).
        user_login_failed.connect(log_failed_sign_in, dispatch_uid="accounts.log_failed_sign_in")
        user_locked_out.connect(log_lockout, dispatch_uid="accounts.log_lockout")
