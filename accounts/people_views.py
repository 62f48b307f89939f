"""The people pages: who uses the service, their details and their roles.

The improvement team keeps people's details (``add`` and ``change`` of people);
senior leaders may read them; the named officers who hold ``manage_roles`` (and
system administrators) give and remove roles. Councillors and action owners with
no role see none of it. Every write is recorded against whoever made it, and role
changes read in the history as "X gave Y the role Z".
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from .access import is_system_administrator, may
from .granting import holds_manage_roles, roles_of
from .mixins import (
    AuditedCreateView,
    AuditedDetailView,
    AuditedListView,
    AuditedUpdateView,
    PageTitleMixin,
    PermissionMixin,
)
from .models import User
from .people_forms import PersonChangeForm, PersonCreateForm, RolesForm
from .people_search import PeopleSearchForm


class PeopleListView(AuditedListView):
    model = User
    template_name = "accounts/people_list.html"

    def get_queryset(self):
        self.search = PeopleSearchForm(self.request.GET or None)
        return self.search.people(
            User.objects.select_related("line_manager")
            .prefetch_related("groups")
            .order_by("full_name", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.search,
            can_add=may(self.request.user, "add", User),
            is_filtered=self.search.is_filtered,
        )
        return context


class PersonDetailView(AuditedDetailView):
    model = User
    template_name = "accounts/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        reports = User.objects.order_by("-is_active", "full_name")
        return User.objects.select_related("line_manager").prefetch_related(
            Prefetch("reports", queryset=reports)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person, user = self.object, self.request.user
        context.update(
            roles=sorted(roles_of(person)),
            manages_roles=holds_manage_roles(person),
            may_change=may(user, "change", person),
            may_grant=may(user, "grant_roles", person),
            open_actions=person.owned_actions.open().count(),
            may_see_actions=may(user, "view", person.owned_actions.model),
            may_administer=is_system_administrator(user),
        )
        return context


class PersonCreateView(AuditedCreateView):
    model = User
    form_class = PersonCreateForm
    page_title = "Add a person"
    intro = (
        "Anyone who signs in: an officer, or a councillor on the scrutiny committee. "
        "Give them their roles once they are added."
    )
    success_message = "Added {object}"

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_back_url(self):
        return reverse("accounts:people")


class PersonUpdateView(AuditedUpdateView):
    model = User
    # Not "user", the name every page gives the person signed in.
    context_object_name = "person"
    form_class = PersonChangeForm
    success_message = "Saved the details of {object}"

    def get_page_title(self):
        return f"Change the details of {self.object}"

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_back_url(self):
        return self.object.get_absolute_url()


class PersonRolesView(PermissionMixin, PageTitleMixin, SingleObjectMixin, FormView):
    """Give a person roles or take them away. ``may(user, "grant_roles", person)``
    refuses (403) anyone changing their own roles."""

    model = User
    context_object_name = "person"  # not "user", the person signed in
    permission_verb = "grant_roles"
    template_name = "includes/form_page.html"
    form_class = RolesForm
    intro = "Each role is given or removed as you save, and recorded in the audit log."

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_page_title(self):
        return f"Roles of {self.object}"

    def get_back_url(self):
        return self.object.get_absolute_url()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(person=self.object, user=self.request.user)
        return kwargs

    def form_valid(self, form):
        change = form.save()
        if change is None:
            return self.form_invalid(form)
        if change.changed_anything:
            held = sorted(roles_of(self.object))
            said = ", ".join(held) if held else "no role"
            messages.success(self.request, f"Saved: {self.object} now holds {said}")
        else:
            messages.success(
                self.request, f"Nothing changed: {self.object}'s roles are as they were"
            )
        return HttpResponseRedirect(self.object.get_absolute_url())
