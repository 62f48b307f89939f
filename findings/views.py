"""Pages of this layer: a visit's page (its areas, ratings, findings and the actions
that answer them), an area of concern's page (its progress over every visit), and
the forms that log findings and rate each area's progress at a visit.

Actions are reached through the reverse relations ``finding.actions`` and
``area.actions``: this layer does not import the actions layer. Each page shows
the most pressing few of them and counts the rest (see ``pressing_actions``).
"""

from itertools import groupby

from crispy_forms_gds.layout import Submit
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView

from accounts.access import is_read_only, may
from accounts.mixins import (
    AuditedCreateView,
    AuditedDeleteView,
    AuditedDetailView,
    AuditedUpdateView,
    PageTitleMixin,
    PermissionMixin,
)
from config.words import count_of
from inspections.models import AreaOfConcern, Visit, VisitArea
from inspections.views import DeletePageMixin, VisibleMixin

from .forms import FindingForm, VisitRatingsForm
from .models import AreaRating, Finding
from .pressing_actions import (
    ACTIONS_PER_PAGE,
    attach_pressing_actions,
    most_pressing_across,
    pressing,
    status_counts,
    visit_actions,
)

ADD_ANOTHER = "add_another"


class VisitDetailView(VisibleMixin, AuditedDetailView):
    """The visit as its letter gives it: areas in letter order, each with its rating
    at this visit and its findings, then findings tied to no area."""

    model = Visit
    template_name = "findings/visit_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("authority", "follows")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visit = self.object
        links = list(visit.area_links.select_related("area"))
        ratings = {rating.area_id: rating for rating in visit.area_ratings.all()}
        findings = letter_order(visit.findings.select_related("area"))
        # Enough of each finding's actions to find the visit's most pressing too.
        fetched = attach_pressing_actions(findings, fetch=ACTIONS_PER_PAGE)
        context.update(
            covered=[
                {"link": link, "area": link.area, "rating": ratings.get(link.area_id)}
                for link in links
            ],
            finding_groups=group_findings_by_area(findings, [link.area for link in links]),
            finding_count=len(findings),
            responding_counts=status_counts(visit_actions(visit)),
            responding_actions=most_pressing_across(fetched, ACTIONS_PER_PAGE),
            can_add_finding=may(self.request.user, "add", Finding),
            can_rate=may(self.request.user, "change", AreaRating)
            and may(self.request.user, "add", AreaRating),
        )
        return context


def letter_order(findings):
    """Headline findings first, as letters give them, then the detailed ones; each
    in the order the team gave them."""
    return sorted(findings, key=lambda f: (f.section != Finding.Section.HEADLINE, f.position, f.pk))


def group_findings_by_area(findings, covered_areas):
    """Findings in groups: each area the visit covered (in letter order, empty ones
    included), then any other area a finding names, then those tied to no area."""
    by_area = {}
    for finding in letter_order(findings):
        by_area.setdefault(finding.area_id, []).append(finding)
    groups = [
        {"area": area, "covered": True, "findings": by_area.pop(area.pk, [])}
        for area in covered_areas
    ]
    unplaced = by_area.pop(None, [])
    for area_findings in by_area.values():
        groups.append({"area": area_findings[0].area, "covered": False, "findings": area_findings})
    if unplaced:
        groups.append({"area": None, "covered": False, "findings": unplaced})
    return groups


class VisitChildMixin:
    """A page that works on one visit named in the URL as ``visit_pk``."""

    def get_visit(self):
        if not hasattr(self, "_visit"):
            self._visit = get_object_or_404(
                Visit.objects.visible_to(self.request.user).select_related("authority"),
                pk=self.kwargs["visit_pk"],
            )
        return self._visit

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["caption"] = str(self.get_visit())
        return context

    def get_back_url(self):
        return self.get_visit().get_absolute_url()


class FindingFormMixin:
    model = Finding
    form_class = FindingForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["visit"] = self.get_visit()
        return kwargs

    def get_success_url(self):
        return self.object.get_absolute_url()


class FindingCreateView(FindingFormMixin, VisitChildMixin, AuditedCreateView):
    page_title = "Add a finding"
    success_message = "Added the finding: {object}"

    def get_initial(self):
        visit = self.get_visit()
        initial = {
            "position": (visit.findings.aggregate(Max("position"))["position__max"] or 0) + 1
        }
        area = self.request.GET.get("area", "")
        if area.isdigit():
            initial["area"] = int(area)
        return initial

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.helper.add_input(
            Submit(ADD_ANOTHER, "Save and add another", css_class="govuk-button--secondary")
        )
        return form

    def form_valid(self, form):
        response = super().form_valid(form)
        if ADD_ANOTHER in self.request.POST:
            url = reverse("findings:finding_create", args=[self.get_visit().pk])
            if self.object.area_id:
                url += f"?area={self.object.area_id}"
            return HttpResponseRedirect(url)
        return response


class FindingUpdateView(FindingFormMixin, VisitChildMixin, AuditedUpdateView):
    page_title = "Change a finding"
    success_message = "Saved the finding: {object}"

    def get_queryset(self):
        return Finding.objects.select_related("visit__authority")

    def get_visit(self):
        return self.object.visit


class FindingDeleteView(DeletePageMixin, AuditedDeleteView):
    model = Finding

    def get_queryset(self):
        return Finding.objects.select_related("visit")

    def get_back_url(self):
        return self.object.get_absolute_url()

    def get_success_url(self):
        return reverse("findings:visit_detail", args=[self.object.visit_id]) + "#findings"


class VisitRatingsView(VisitChildMixin, PermissionMixin, PageTitleMixin, FormView):
    """Rate each area the visit covered, on one page; saved together or not at all."""

    model = AreaRating
    permission_verb = "change"
    form_class = VisitRatingsForm
    template_name = "findings/visit_ratings.html"
    page_title = "Rate each area's progress at this visit"

    def dispatch(self, request, *args, **kwargs):
        # Adding a rating is as much a part of this page as changing one.
        if request.user.is_authenticated and not may(request.user, "add", AreaRating):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(visit=self.get_visit(), user=self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["visit"] = self.get_visit()
        return context

    def form_valid(self, form):
        saved = form.save()
        if saved:
            messages.success(self.request, f"Saved {count_of(len(saved), 'rating')}")
        else:
            messages.success(self.request, "No ratings were changed")
        return HttpResponseRedirect(self.get_visit().get_absolute_url() + "#areas-covered")


class AreaDetailView(VisibleMixin, AuditedDetailView):
    """An area of concern over time: its rating at every visit in date order, its
    findings grouped by visit, and its actions: how many in each status and the
    most pressing few."""

    model = AreaOfConcern
    template_name = "findings/area_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("identified_at__authority")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area, user = self.object, self.request.user
        ratings = {
            rating.visit_id: rating
            for rating in AreaRating.objects.visible_to(user).filter(area=area)
        }
        covering = {
            link.visit_id: link for link in VisitArea.objects.visible_to(user).filter(area=area)
        }
        visits = Visit.objects.visible_to(user).filter(pk__in={*ratings, *covering})
        findings = list(
            Finding.objects.visible_to(user)
            .filter(area=area)
            .select_related("visit")
            .order_by("visit__start_date", "visit_id")
        )
        attach_pressing_actions(findings)
        context.update(
            progress=[
                {
                    "visit": visit,
                    "link": covering.get(visit.pk),
                    "rating": ratings.get(visit.pk),
                }
                for visit in visits.order_by("start_date", "pk")
            ],
            findings_by_visit=[
                {"visit": visit, "findings": letter_order(group)}
                for visit, group in groupby(findings, key=lambda finding: finding.visit)
            ],
            action_counts=status_counts(area.actions.all()),
            actions=pressing(area.actions.select_related("owner")),
            # Scrutiny members see an owner's job title, never their name.
            read_only=is_read_only(user),
        )
        return context
