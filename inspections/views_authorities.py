"""The local authorities whose inspections and visits are tracked: the improvement
team adds and corrects them here; everyone who may read inspections may list them."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.mixins import AuditedCreateView, AuditedDeleteView, AuditedListView, AuditedUpdateView

from .forms import LocalAuthorityForm
from .models import Inspection, LocalAuthority, Visit
from .views import DeletePageMixin, ListPageMixin, _counted


class AuthorityListView(ListPageMixin, AuditedListView):
    model = LocalAuthority
    template_name = "inspections/authority_list.html"

    def get_queryset(self):
        # Counted through visible_to: a count of the unpublished too would tell a
        # councillor that an unpublished inspection or visit exists.
        user = self.request.user
        return LocalAuthority.objects.annotate(
            inspection_count=_count_of(Inspection.objects.visible_to(user)),
            visit_count=_count_of(Visit.objects.visible_to(user)),
        ).order_by("name")


def _count_of(records):
    """How many of ``records`` belong to each authority, as a subquery."""
    counted = (
        records.filter(authority=OuterRef("pk"))
        .order_by()
        .values("authority")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


class AuthorityCreateView(AuditedCreateView):
    model = LocalAuthority
    form_class = LocalAuthorityForm
    page_title = "Add a local authority"
    success_message = "Added {object}"

    def get_success_url(self):
        return reverse("inspections:authority_list")

    def get_back_url(self):
        return reverse("inspections:authority_list")


class AuthorityUpdateView(AuditedUpdateView):
    model = LocalAuthority
    form_class = LocalAuthorityForm
    success_message = "Saved {object}"

    def get_page_title(self):
        return f"Change {self.object}"

    def get_success_url(self):
        return reverse("inspections:authority_list")

    def get_back_url(self):
        return reverse("inspections:authority_list")


class AuthorityDeleteView(DeletePageMixin, AuditedDeleteView):
    model = LocalAuthority

    def get_success_url(self):
        return reverse("inspections:authority_list")

    def get_back_url(self):
        return reverse("inspections:authority_list")

    def get_blockers(self):
        authority = self.object
        blockers = []
        for count, singular in (
            (authority.inspections.count(), "inspection"),
            (authority.visits.count(), "visit"),
            (authority.imported_documents.count(), "imported document"),
        ):
            if count:
                blockers.append(_counted(count, singular))
        return blockers
