"""The Django admin as a system administrator's tool, and nobody else's.

Everything the improvement team, senior leaders, councillors and action owners do
has a page in the service itself, with the service's own rules: who may see an
unpublished letter, who may sign off, who may own an action. The admin knows only
model permissions, so it would let a councillor read what the service hides from
them and let an officer write what only a workflow may write. Only system
administrators (active superusers) may open it; anyone else signed in is refused
(403), and anyone signed out is sent to the service's own sign-in page.
"""

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from simple_history.admin import SimpleHistoryAdmin

from .access import is_system_administrator

REFUSAL = "Only system administrators may use the admin"


class SystemAdminSite(admin.AdminSite):
    site_header = settings.SERVICE_NAME
    site_title = settings.SERVICE_NAME
    index_title = "System administration"

    def has_permission(self, request):
        return is_system_administrator(request.user)

    def admin_view(self, view, cacheable=False):
        """Every admin page refuses (403) a signed-in person who is no system
        administrator, where Django would send them to sign in again."""
        guarded = super().admin_view(view, cacheable)

        @wraps(view)
        def refusing_others(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied(REFUSAL)
            return guarded(request, *args, **kwargs)

        return refusing_others

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        """The admin's sign-in page, replaced by the service's own.

        There is one way in, with one lockout (django-axes) and one GOV.UK page
        saying when a locked account can be tried again. Someone signed in who may
        not use the admin is refused rather than asked to sign in again.
        """
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index")
        if self.has_permission(request):
            return redirect(next_url)
        if request.user.is_authenticated:
            raise PermissionDenied(REFUSAL)
        return redirect_to_login(next_url, login_url=settings.LOGIN_URL)


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin, with past versions to read and never to write back.

    Writing an old version back would restore whatever it held past every
    workflow: an old sign-off, an update's author. SIMPLE_HISTORY_REVERT_DISABLED
    hides the button; this refuses the form too. A deleted record is brought back
    with the service's own restore page, which checks what it restores.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Past versions are not written back from the admin")
        return super().history_form_view(request, object_id, version_id, extra_context)
