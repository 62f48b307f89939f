"""Scrutiny members' read-only pages: the ratings matrix, each area's progress and
the published letters. Officers see the same pages, with unpublished visits too.
The data comes from ``progress.scrutiny``."""

from django.views.generic import TemplateView

from accounts.access import may
from accounts.mixins import AuditedDetailView, AuditedListView, PermissionMixin
from inspections.models import AreaOfConcern, Visit
from inspections.views import ListPageMixin

from . import scrutiny
from .models import CommitteePack


class ProgressSectionMixin:
    """The links between the progress pages, shown at the top of each."""

    section = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["section"] = self.section
        context["can_view_packs"] = may(self.request.user, "view", CommitteePack)
        return context


class ScrutinyMatrixView(ProgressSectionMixin, PermissionMixin, TemplateView):
    template_name = "progress/scrutiny_matrix.html"
    model = Visit
    section = "matrix"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["matrix"] = scrutiny.matrix_for(self.request.user)
        return context


class ScrutinyAreaView(ProgressSectionMixin, AuditedDetailView):
    model = AreaOfConcern
    template_name = "progress/scrutiny_area.html"
    section = "matrix"

    def get_queryset(self):
        return AreaOfConcern.objects.visible_to(self.request.user).select_related(
            "identified_at__authority"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            scrutiny.area_page(self.object, self.request.user, self.request.GET.get("page"))
        )
        return context


class LetterListView(ProgressSectionMixin, ListPageMixin, AuditedListView):
    model = Visit
    template_name = "progress/letter_list.html"
    context_object_name = "letters"
    section = "letters"

    def get_queryset(self):
        return scrutiny.letters_for(self.request.user)


class LetterDetailView(ProgressSectionMixin, AuditedDetailView):
    model = Visit
    template_name = "progress/letter_detail.html"
    context_object_name = "visit"
    section = "letters"

    def get_queryset(self):
        return scrutiny.letters_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["areas"] = scrutiny.areas_covered(self.object, self.request.user)
        return context
