"""Committee packs: the list, the form that freezes one, and the frozen pack as a
page and as a PDF. The pack's pages read its snapshot and nothing else."""

from django.http import HttpResponse
from django.urls import reverse

from accounts.mixins import AuditedCreateView, AuditedDetailView, AuditedListView
from inspections.views import ListPageMixin

from . import packs
from .models import CommitteePack
from .pack_forms import FreezePackForm
from .views_scrutiny import ProgressSectionMixin


class PackListView(ProgressSectionMixin, ListPageMixin, AuditedListView):
    model = CommitteePack
    template_name = "progress/pack_list.html"
    context_object_name = "packs"
    section = "packs"

    def get_queryset(self):
        return CommitteePack.objects.only("pk", "title", "committee_date", "frozen_at")


class PackCreateView(AuditedCreateView):
    model = CommitteePack
    form_class = FreezePackForm
    page_title = "Freeze a committee pack"
    intro = (
        "The pack keeps the ratings, the RAG summary and each action's progress as they "
        "are now, as at the committee's date. It never changes afterwards."
    )
    success_message = "Froze the pack: {object}"

    def get_back_url(self):
        return reverse("progress:pack_list")

    def get_success_url(self):
        return reverse("progress:pack_detail", args=[self.object.pk])


class PackDetailView(ProgressSectionMixin, AuditedDetailView):
    model = CommitteePack
    template_name = "progress/pack_detail.html"
    context_object_name = "pack"
    section = "packs"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["snapshot"] = self.object.snapshot
        # A pack may hold thousands of actions: the page lists them a page at a
        # time, the PDF all of them.
        page = packs.actions_page(self.object, self.request.GET.get("page"))
        context.update(page_obj=page, pack_actions=page.object_list)
        return context


class PackPdfView(AuditedDetailView):
    model = CommitteePack

    def render_to_response(self, context, **response_kwargs):
        pack = self.object
        pdf = packs.pdf_of(pack, base_url=self.request.build_absolute_uri("/"))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="committee-pack-{pack.pk}.pdf"'
        return response
