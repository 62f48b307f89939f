"""Pages of this layer: inspections and their judgements, visits, areas of concern.

A visit's page and an area's page show findings and ratings, so they live in the
findings layer; the lists here link to them by URL name. Every view asks
``accounts.access.may`` through the mixins, and every list and page narrows what it
loads with ``visible_to(user)``, so scrutiny members never meet an unpublished record.
"""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.access import may
from accounts.mixins import (
    AuditedCreateView,
    AuditedDeleteView,
    AuditedDetailView,
    AuditedListView,
    AuditedUpdateView,
)
from accounts.roles import VIEW_INTERNAL

from .forms import AreaOfConcernForm, InspectionForm, JudgementForm, VisitForm
from .models import (
    AreaOfConcern,
    Grade,
    Inspection,
    Judgement,
    LocalAuthority,
    Visit,
    VisitArea,
)


class VisibleMixin:
    """Load only what the person may see: an unpublished record is not found (404)
    for someone without ``view_internal``, rather than announced by a 403."""

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


class ListPageMixin:
    """``can_add`` for the page's "Add" button, by the same rule the add page uses."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = may(self.request.user, "add", self.model)
        return context


class DeletePageMixin:
    """The confirmation page of a deletion, saying up front what would stop it
    (records that depend on this one and are protected) instead of offering a
    button that fails, and what else goes with it."""

    template_name = "inspections/confirm_delete.html"

    def get_blockers(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["blockers"] = self.get_blockers()
        return context


def _counted(count, singular, plural=None):
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


# Inspections and judgements ------------------------------------------------------------


class InspectionListView(ListPageMixin, VisibleMixin, AuditedListView):
    model = Inspection
    template_name = "inspections/inspection_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("authority")
            .prefetch_related("judgements")
            .annotate(
                visit_count=Count(
                    "visits",
                    filter=None
                    if self.request.user.has_perm(VIEW_INTERNAL)
                    else Q(visits__is_published=True),
                )
            )
            .order_by("-start_date", "-pk")
        )


class InspectionDetailView(VisibleMixin, AuditedDetailView):
    model = Inspection
    template_name = "inspections/inspection_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("authority")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inspection, user = self.object, self.request.user
        context.update(
            judgements=list(inspection.judgements.all()),
            areas=list(inspection.areas_of_concern.all()),
            visits=list(inspection.visits.visible_to(user)),
            can_add_area=may(user, "add", AreaOfConcern),
        )
        if may(user, "add", Judgement):
            context["judgement_form"] = JudgementForm(user=user, inspection=inspection)
            context["judgement_form"].helper.form_action = reverse(
                "inspections:judgement_create", args=[inspection.pk]
            )
            context["judgement_form"].helper.inputs[0].value = "Add judgement"
        return context


class InspectionCreateView(AuditedCreateView):
    model = Inspection
    form_class = InspectionForm
    page_title = "Add an inspection"
    success_message = "Added {object}"

    def get_initial(self):
        authorities = list(LocalAuthority.objects.all()[:2])
        return {"authority": authorities[0]} if len(authorities) == 1 else {}

    def get_back_url(self):
        return reverse("inspections:inspection_list")


class InspectionUpdateView(AuditedUpdateView):
    model = Inspection
    form_class = InspectionForm
    success_message = "Saved {object}"

    def get_page_title(self):
        return f"Change {self.object}"

    def get_back_url(self):
        return self.object.get_absolute_url()


class InspectionDeleteView(DeletePageMixin, AuditedDeleteView):
    model = Inspection

    def get_success_url(self):
        return reverse("inspections:inspection_list")

    def get_back_url(self):
        return self.object.get_absolute_url()

    def get_cascades(self):
        count = self.object.judgements.count()
        return [f"its {_counted(count, 'judgement')}"] if count else []

    def get_blockers(self):
        blockers = []
        areas, visits = self.object.areas_of_concern.count(), self.object.visits.count()
        if areas:
            blockers.append(_counted(areas, "area of concern", "areas of concern"))
        if visits:
            blockers.append(_counted(visits, "visit"))
        return blockers


class JudgementFormMixin:
    model = Judgement
    form_class = JudgementForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["inspection"] = self.get_inspection()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["caption"] = str(self.get_inspection())
        return context

    def get_back_url(self):
        return self.get_inspection().get_absolute_url() + "#judgements"

    def get_success_url(self):
        return self.get_back_url()


class JudgementCreateView(JudgementFormMixin, AuditedCreateView):
    page_title = "Add a judgement"
    success_message = "Added the judgement {object}"

    def get_inspection(self):
        if not hasattr(self, "_inspection"):
            self._inspection = get_object_or_404(
                Inspection.objects.visible_to(self.request.user), pk=self.kwargs["inspection_pk"]
            )
        return self._inspection


class JudgementUpdateView(JudgementFormMixin, AuditedUpdateView):
    page_title = "Change a judgement"
    success_message = "Saved the judgement {object}"

    def get_queryset(self):
        return Judgement.objects.select_related("inspection")

    def get_inspection(self):
        return self.object.inspection


class JudgementDeleteView(DeletePageMixin, AuditedDeleteView):
    model = Judgement

    def get_queryset(self):
        return Judgement.objects.select_related("inspection")

    def get_back_url(self):
        return self.object.inspection.get_absolute_url() + "#judgements"

    def get_success_url(self):
        return self.get_back_url()


# Visits --------------------------------------------------------------------------------


class VisitListView(ListPageMixin, VisibleMixin, AuditedListView):
    model = Visit
    template_name = "inspections/visit_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("authority", "follows")
            .prefetch_related(
                Prefetch("area_links", queryset=VisitArea.objects.select_related("area"))
            )
            .annotate(finding_count=Count("findings"))
            # A query that counts (GROUP BY) drops Meta.ordering: say it again.
            .order_by("-start_date", "-pk")
        )


class VisitFormMixin:
    model = Visit
    form_class = VisitForm

    def get_success_url(self):
        return self.object.get_absolute_url()


class VisitCreateView(VisitFormMixin, AuditedCreateView):
    page_title = "Add a visit"
    intro = "Log a monitoring or focused visit from its letter."
    success_message = "Added {object}"

    def get_initial(self):
        initial = {"kind": Visit.Kind.MONITORING}
        authorities = list(LocalAuthority.objects.all()[:2])
        if len(authorities) == 1:
            initial["authority"] = authorities[0]
        return initial

    def get_back_url(self):
        return reverse("inspections:visit_list")


class VisitUpdateView(VisitFormMixin, AuditedUpdateView):
    success_message = "Saved {object}"

    def get_page_title(self):
        return f"Change {self.object}"

    def get_back_url(self):
        return self.object.get_absolute_url()


class VisitDeleteView(DeletePageMixin, AuditedDeleteView):
    model = Visit

    def get_success_url(self):
        return reverse("inspections:visit_list")

    def get_back_url(self):
        return self.object.get_absolute_url()

    def get_cascades(self):
        visit = self.object
        counts = [
            (visit.findings.count(), "finding"),
            (visit.area_ratings.count(), "area rating"),
            (
                visit.area_links.count(),
                "place of an area in its letter",
                "places of areas in its letter",
            ),
        ]
        return [f"its {_counted(*count)}" for count in counts if count[0]]


# Areas of concern ----------------------------------------------------------------------


class AreaListView(ListPageMixin, VisibleMixin, AuditedListView):
    model = AreaOfConcern
    template_name = "inspections/area_list.html"

    def get_queryset(self):
        user = self.request.user
        # Ratings live in the findings layer: reached through the reverse relation,
        # whose manager narrows them by the same rule.
        ratings = AreaOfConcern._meta.get_field("ratings").related_model.objects
        return (
            super()
            .get_queryset()
            .select_related("identified_at__authority")
            .annotate(
                visit_count=Count(
                    "visit_links",
                    filter=None
                    if user.has_perm(VIEW_INTERNAL)
                    else Q(visit_links__visit__is_published=True),
                )
            )
            .prefetch_related(
                Prefetch(
                    "ratings",
                    queryset=ratings.visible_to(user)
                    .select_related("visit")
                    .order_by("visit__start_date", "visit_id"),
                    to_attr="visible_ratings",
                )
            )
            .order_by(
                "-status", "identified_at__authority__name", "-identified_at__start_date", "pk"
            )
        )


class AreaFormMixin:
    model = AreaOfConcern
    form_class = AreaOfConcernForm

    def get_success_url(self):
        return self.object.get_absolute_url()


class AreaCreateView(AreaFormMixin, AuditedCreateView):
    page_title = "Add an area of concern"
    success_message = "Added the area of concern {object}"

    def get_initial(self):
        # From an inspection's page, that inspection; otherwise the latest one
        # judged inadequate, the usual source of areas of concern.
        inspections = Inspection.objects.all()
        chosen = self.request.GET.get("inspection", "")
        if chosen.isdigit() and inspections.filter(pk=chosen).exists():
            return {"identified_at": int(chosen)}
        inspection = inspections.filter(
            judgements__area=Judgement.Area.OVERALL, judgements__grade=Grade.INADEQUATE
        ).first()
        return {"identified_at": inspection} if inspection else {}

    def get_back_url(self):
        return reverse("inspections:area_list")


class AreaUpdateView(AreaFormMixin, AuditedUpdateView):
    success_message = "Saved the area of concern {object}"

    def get_page_title(self):
        return f"Change {self.object}"

    def get_back_url(self):
        return self.object.get_absolute_url()


class AreaDeleteView(DeletePageMixin, AuditedDeleteView):
    model = AreaOfConcern

    def get_success_url(self):
        return reverse("inspections:area_list")

    def get_back_url(self):
        return self.object.get_absolute_url()

    def get_cascades(self):
        area = self.object
        counts = [
            (area.visit_links.count(), "place in a visit's letter", "places in visits' letters"),
            (area.ratings.count(), "rating"),
        ]
        return [f"its {_counted(*count)}" for count in counts if count[0]]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        findings = self.object.findings.count()
        if findings:
            context["intro"] = (
                f"Its {_counted(findings, 'finding')} will be kept, no longer tied to an area."
            )
        return context
