"""The senior leaders' dashboard. The figures are worked out in
``progress.dashboard``; this view only checks who is asking and lays them out."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.views.generic import TemplateView

from accounts.access import may
from accounts.mixins import PageTitleMixin

from . import charts, dashboard


class DashboardView(LoginRequiredMixin, PageTitleMixin, TemplateView):
    template_name = "progress/dashboard.html"
    page_title = "Dashboard"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may(request.user, "view_dashboard"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = dashboard.cached_figures(timezone.localdate())
        context.update(figures)
        context["charts"] = {
            "status": charts.bar_chart("chart-status", "Actions by status", figures["by_status"]),
            "rag": charts.bar_chart(
                "chart-rag", "Actions by RAG rating", figures["by_rag"], charts.RAG_COLOURS
            ),
            "owner": charts.bar_chart(
                "chart-owner", "Overdue actions by owner", figures["overdue_by_owner"]
            ),
            "area": charts.bar_chart(
                "chart-area", "Overdue actions by area of concern", figures["overdue_by_area"]
            ),
            "months": charts.month_chart(
                "chart-months", "Actions completed and due each month", figures["months"]
            ),
        }
        context["owner_caption"] = (
            f"Overdue actions of the {dashboard.TOP_OWNERS} owners with the most, and of everyone"
        )
        context["due_soon_rows"] = [figures["due_soon"]]
        return context
