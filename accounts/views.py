from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import TemplateView, UpdateView

from .access import may
from .forms import ReminderPreferencesForm, SignInForm
from .mixins import AuditedFormMixin
from .security import log_refusal

# Set by accounts.oidc when the council's identity provider did not sign someone in,
# so that the sign-in page they are sent back to can say so, once.
SINGLE_SIGN_ON_FAILED = "single_sign_on_failed"


class SignInView(auth_views.LoginView):
    """E-mail and password, and the council's single sign-on where it is set up.

    Too many wrong passwords for one e-mail address from one network address lock
    that pair for a while (django-axes; accounts/security.py shows the page).
    """

    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Read per request, not at import, so that tests can switch it on.
        context["single_sign_on"] = settings.SINGLE_SIGN_ON_ENABLED
        failed = self.request.session.pop(SINGLE_SIGN_ON_FAILED, False)
        context["single_sign_on_failed"] = failed
        if failed:
            context["page_has_errors"] = True
        return context


class SignOutView(auth_views.LogoutView):
    next_page = "accounts:sign_in"


class ReminderPreferencesView(LoginRequiredMixin, AuditedFormMixin, UpdateView):
    """A person's own reminder settings. Councillors own no actions and change
    nothing, so the page is refused to them like every other write."""

    permission_verb = "change_own_preferences"
    form_class = ReminderPreferencesForm
    page_title = "Reminder e-mails"
    intro = "Each working day at 7am you get at most one e-mail about your actions."
    success_message = "Your reminder preferences have been saved"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may(request.user, "change_own_preferences"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.request.user

    def get_success_url(self):
        return reverse("accounts:preferences")


class AccessibilityView(TemplateView):
    template_name = "accounts/accessibility.html"


def _permission_verb(request):
    """The verb the refusing view asks ``may`` about, where the view says."""
    match = getattr(request, "resolver_match", None)
    view_class = getattr(getattr(match, "func", None), "view_class", None)
    return getattr(view_class, "permission_verb", None)


def permission_denied(request, exception=None):
    reason = str(exception) if exception is not None and exception.args else ""
    log_refusal(request, status=403, reason=reason, verb=_permission_verb(request))
    return render(request, "errors/403.html", status=403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without a valid CSRF token. Logged like any
    refusal; the page says what usually causes it and what to do."""
    log_refusal(request, status=403, reason=f"CSRF check failed: {reason}")
    return render(request, "errors/403_csrf.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # Rendered without the request, so no context processor touches the database
    # or the session: the fault may be there.
    from django.conf import settings
    from django.http import HttpResponseServerError
    from django.template import loader

    page = loader.get_template("errors/500.html").render({"service_name": settings.SERVICE_NAME})
    return HttpResponseServerError(page)
