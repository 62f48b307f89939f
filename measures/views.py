"""The measures' pages: the list of every measure with how it is doing, and a
measure's page with its chart and figures. Both load through ``visible_to``, so
a councillor finds only the measures shared with them (any other is a 404), and
neither page writes anything."""

from django.db.models import Prefetch

from accounts.access import is_read_only, may
from accounts.mixins import AuditedDetailView, AuditedListView
from inspections.models import AreaOfConcern, Visit

from .charts import measure_chart, visits_within
from .figures import any_illustrative, is_illustrative
from .models import Measure
from .trends import summarise


class VisibleMeasuresMixin:
    model = Measure

    def get_queryset(self):
        user = self.request.user
        return Measure.objects.visible_to(user).prefetch_related(
            Prefetch(
                "areas",
                queryset=AreaOfConcern.objects.visible_to(user).order_by("title"),
                to_attr="visible_areas",
            )
        )


class MeasureListView(VisibleMeasuresMixin, AuditedListView):
    """A page of measures at a time, each summarised in the same few queries."""

    template_name = "measures/measure_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summaries = summarise(context["object_list"])
        context.update(
            summaries=summaries,
            illustrative=any_illustrative(summary.measure for summary in summaries),
            may_enter_figures=may(self.request.user, "enter_figures", Measure),
        )
        return context


class MeasureDetailView(VisibleMeasuresMixin, AuditedDetailView):
    template_name = "measures/measure_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("owner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measure, user = self.object, self.request.user
        values = list(measure.values.order_by("period"))
        areas = measure.visible_areas
        visits = list(
            Visit.objects.visible_to(user)
            .filter(areas_covered__in=areas)
            .distinct()
            .order_by("start_date")
        )
        actions_model = measure.actions.model
        actions = (
            list(measure.actions.order_by("reference")) if may(user, "view", actions_model) else []
        )
        (summary,) = summarise([measure])
        context.update(
            summary=summary,
            values_newest_first=values[::-1],
            chart=measure_chart(measure, values, visits),
            visits=visits_within(visits, values),
            areas=areas,
            actions=actions,
            read_only=is_read_only(user),
            may_view_history=may(user, "view_history"),
            illustrative=is_illustrative(measure),
        )
        return context
