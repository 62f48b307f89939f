"""The senior leaders' dashboard. The figures are worked out in
``progress.dashboard``; this view only checks who is asking and lays them out."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.views.generic import TemplateView

from accounts.access import may
from accounts.mixins import PageTitleMixin

from . import dashboard, dashboard_measures


class DashboardView(LoginRequiredMixin, PageTitleMixin, TemplateView):
    template_name = "progress/dashboard.html"
    page_title = "Dashboard"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may(request.user, "view_dashboard"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The figures and the charts drawn from them, both cached together; with
        # ``up_to_date`` False while a refresh after a change is still under way.
        context.update(dashboard.cached_figures(timezone.localdate()))
        context["owner_caption"] = (
            f"Overdue actions of the {dashboard.TOP_OWNERS} owners with the most, and of everyone"
        )
        context["due_soon_rows"] = [context["due_soon"]]
        # The cached figures hold every measure; the page, those this person may see.
        context.update(dashboard_measures.visible_for(context, self.request.user))
        return context
