from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.views.generic import TemplateView

from .access import is_improvement_team, is_read_only, is_senior_leader, may
from .forms import SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    next_page = "accounts:sign_in"


class HomeView(TemplateView):
    """Where everyone lands: what each role can do next."""

    template_name = "accounts/home.html"

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return auth_views.redirect_to_login(request.get_full_path())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context.update(
            is_improvement_team=is_improvement_team(user),
            is_senior_leader=is_senior_leader(user),
            is_read_only=is_read_only(user),
            may_view_history=may(user, "view_history"),
            open_actions=user.owned_actions.exclude(status="completed").count(),
        )
        return context


class AccessibilityView(TemplateView):
    template_name = "accounts/accessibility.html"


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


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
