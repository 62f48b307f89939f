"""Pages of this layer: the action list, an action's page, its forms, and My actions.

Every view asks ``accounts.access.may`` on the server; the templates ask the same
question only to decide which controls to show.
"""

import logging
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import Truncator
from django.views.generic import DetailView, FormView, TemplateView

from accounts.access import is_read_only, may
from accounts.mixins import (
    AuditedCreateView,
    AuditedDeleteView,
    AuditedUpdateView,
    PageTitleMixin,
    PermissionMixin,
)
from config.words import count_of
from findings.models import Finding
from inspections.models import AreaOfConcern

from . import reminders
from .filters import SORTS, ActionFilterForm, filter_actions, parse_sort
from .forms import (
    AssignOwnerForm,
    ImprovementActionForm,
    ProgressUpdateForm,
    SignOffForm,
    UpdateSharingForm,
    WithdrawSignOffForm,
)
from .impact_measures import measures_since_start
from .models import ActionUpdate, Evidence, ImprovementAction

logger = logging.getLogger(__name__)

PAGE_SIZE = 25


def may_see_evidence(user, action):
    """Evidence is internal: never for scrutiny members; for officers who may view
    evidence, and for the owner of the action it belongs to."""
    if is_read_only(user):
        return False
    return may(user, "view", Evidence) or may(user, "post_update", action)


class ActionListView(PermissionMixin, PageTitleMixin, TemplateView):
    model = ImprovementAction
    template_name = "actions/action_list.html"
    page_title = "Improvement actions"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        # Bound only when someone filtered, so a first visit shows no errors.
        filter_keys = set(ActionFilterForm.base_fields) | {
            f"{name}_{index}" for name in ActionFilterForm.DATE_FIELDS for index in range(3)
        }
        bound = any(key in params for key in filter_keys)
        form = ActionFilterForm(params if bound else None, user=self.request.user)
        sort_key, descending = parse_sort(params.get("sort"))
        actions = filter_actions(form.filters(), sort_key, descending)
        page = Paginator(actions, PAGE_SIZE).get_page(params.get("page"))
        context.update(
            form=form,
            page_obj=page,
            actions=page.object_list,
            columns=self._columns(sort_key, descending),
            sort_value=f"-{sort_key}" if descending else sort_key,
            sort_label=self._sort_label(sort_key, descending),
            read_only=is_read_only(self.request.user),
            is_filtered=form.is_filtered,
            # The one control on this page; a class, so asked here rather than in the template.
            can_add=may(self.request.user, "add", ImprovementAction),
        )
        return context

    @staticmethod
    def _sort_label(sort_key, descending):
        label = SORTS[sort_key][0]
        label = label if label.isupper() else label.lower()
        return f"{label}, {'descending' if descending else 'ascending'}"

    def _columns(self, sort_key, descending):
        columns = []
        for key, (label, _fields) in SORTS.items():
            current = key == sort_key
            columns.append(
                {
                    "key": key,
                    "label": label,
                    # A second click on the sorted column reverses it.
                    "next": f"-{key}" if current and not descending else key,
                    "aria_sort": (
                        ("descending" if descending else "ascending") if current else "none"
                    ),
                }
            )
        return columns


class ActionDetailView(LoginRequiredMixin, DetailView):
    model = ImprovementAction
    template_name = "actions/action_detail.html"
    context_object_name = "action"

    def get_queryset(self):
        return ImprovementAction.objects.with_rag().select_related(
            "owner", "signed_off_by", "sign_off_withdrawn_by"
        )

    def get_object(self, queryset=None):
        action = super().get_object(queryset)
        if not may(self.request.user, "view", action):
            raise PermissionDenied
        return action

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, action = self.request.user, self.object
        read_only = is_read_only(user)
        show_evidence = may_see_evidence(user, action)

        updates = ActionUpdate.objects.filter(action=action).select_related("author")
        if read_only:
            updates = updates.filter(shareable_with_scrutiny=True)
        if show_evidence:
            updates = updates.prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.select_related("added_by"))
            )
        # Findings from an unpublished letter, and areas from an unpublished
        # inspection, are for officers who see internal records.
        findings = (
            Finding.objects.visible_to(user).filter(actions=action).select_related("visit", "area")
        )
        context.update(
            page_title=f"{action.reference} {action.title}",
            read_only=read_only,
            show_evidence=show_evidence,
            updates=updates,
            other_evidence=(
                action.evidence.filter(update__isnull=True).select_related("added_by")
                if show_evidence
                else []
            ),
            findings=findings.order_by("-visit__start_date", "section", "position", "id"),
            areas=AreaOfConcern.objects.visible_to(user)
            .filter(actions=action)
            .select_related("identified_at"),
            # Officers see when the owner was last chased; councillors do not.
            show_reminders=not read_only,
            last_reminded_at=None if read_only else reminders.last_reminded_at(action),
            **measures_since_start(action, user),
        )
        return context


class ActionCreateView(AuditedCreateView):
    model = ImprovementAction
    form_class = ImprovementActionForm
    page_title = "Add an improvement action"
    success_message = "Added action {object.reference}"

    def get_initial(self):
        # "Add an action" links from a finding or an area page name what it responds to.
        initial = super().get_initial()
        for name in ("findings", "areas"):
            wanted = [value for value in self.request.GET.getlist(name) if value.isdigit()]
            if wanted:
                initial[name] = wanted
        return initial

    def get_back_url(self):
        # Back to the finding or the area the person came from, where there is one.
        finding_pks = self.get_initial().get("findings")
        if finding_pks:
            finding = Finding.objects.select_related("visit").filter(pk=finding_pks[0]).first()
            if finding and may(self.request.user, "view", finding.visit):
                return f"{finding.visit.get_absolute_url()}#finding-{finding.pk}"
        area_pks = self.get_initial().get("areas")
        if area_pks:
            area = AreaOfConcern.objects.filter(pk=area_pks[0]).first()
            if area and may(self.request.user, "view", area):
                return area.get_absolute_url()
        return reverse("actions:action_list")


class ActionEditView(AuditedUpdateView):
    model = ImprovementAction
    form_class = ImprovementActionForm
    success_message = "Saved changes to {object.reference}"

    def get_page_title(self):
        return f"Edit {self.object.reference}"

    def get_back_url(self):
        return self.object.get_absolute_url()


class ActionAssignView(AuditedUpdateView):
    model = ImprovementAction
    form_class = AssignOwnerForm
    success_message = "Assigned {object.reference} to {object.owner}"

    def get_page_title(self):
        return f"Assign an owner to {self.object.reference}"

    def get_back_url(self):
        return self.object.get_absolute_url()


class ActionDeleteView(AuditedDeleteView):
    model = ImprovementAction

    def get_page_title(self):
        return f"Delete {self.object.reference}"

    def get_back_url(self):
        return self.object.get_absolute_url()

    def get_success_url(self):
        return reverse("actions:action_list")

    def get_cascades(self):
        cascades = []
        updates = self.object.updates.count()
        evidence = self.object.evidence.count()
        if updates:
            cascades.append(count_of(updates, "progress update"))
        if evidence:
            cascades.append(count_of(evidence, "piece", "pieces") + " of evidence")
        return cascades


class UpdateSharingView(AuditedUpdateView):
    """Share an update with scrutiny members, or stop sharing it."""

    model = ActionUpdate
    form_class = UpdateSharingForm
    page_title = "Who sees this update"
    success_message = "Saved who sees the update of {object.posted_on}"

    def get_queryset(self):
        return ActionUpdate.objects.select_related("action", "author")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        update = self.object
        context["caption"] = f"{update.action.reference} {update.action.title}"
        context["intro"] = (
            f"The update {update.author.full_name} posted on {update.posted_on}: "
            f"“{Truncator(update.note).chars(200)}”"
        )
        return context

    def get_success_url(self):
        return self.object.action.get_absolute_url()

    def get_back_url(self):
        return self.object.action.get_absolute_url()


class ActionFormMixin(LoginRequiredMixin, PageTitleMixin):
    """A form about one action, allowed when ``may(user, verb, action)``."""

    permission_verb = "post_update"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.action = get_object_or_404(
            ImprovementAction.objects.select_related("owner", "signed_off_by"), pk=kwargs["pk"]
        )
        if not may(request.user, self.permission_verb, self.action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(action=self.action, user=self.request.user)
        return kwargs

    def get_back_url(self):
        return self.action.get_absolute_url()

    def get_success_url(self):
        return self.action.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action"] = self.action
        context["caption"] = f"{self.action.reference} {self.action.title}"
        return context


class ProgressUpdateView(ActionFormMixin, FormView):
    """The page the reminder e-mails link to: ``actions:action_update``."""

    form_class = ProgressUpdateForm
    template_name = "actions/progress_update.html"
    page_title = "Post a progress update"

    def form_valid(self, form):
        form.save()
        messages.success(self.request, f"Posted an update on {self.action.reference}")
        return HttpResponseRedirect(self.get_success_url())


class SignOffView(ActionFormMixin, FormView):
    """A senior leader's sign-off that the action's impact is shown. Nothing changes
    on GET; the confirmation is posted."""

    permission_verb = "sign_off"
    form_class = SignOffForm
    template_name = "actions/sign_off.html"
    page_title = "Sign off the impact of this action"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(measures_since_start(self.action, self.request.user), sign_off=True)
        return context

    def form_valid(self, form):
        try:
            form.save()
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Signed off the impact of {self.action.reference}")
        return HttpResponseRedirect(self.get_success_url())


class WithdrawSignOffView(ActionFormMixin, FormView):
    """A senior leader takes back a sign-off, with a reason. Nothing changes on GET."""

    permission_verb = "withdraw_sign_off"
    form_class = WithdrawSignOffForm
    template_name = "includes/form_page.html"
    page_title = "Withdraw the sign-off of this action"

    def form_valid(self, form):
        try:
            form.save()
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Withdrew the sign-off of {self.action.reference}")
        return HttpResponseRedirect(self.get_success_url())


class MyActionsView(LoginRequiredMixin, PageTitleMixin, TemplateView):
    """The actions a person owns, the most urgent first; the home page's figures
    link here with one of ``MY_ACTIONS_FILTERS`` to show just their rows."""

    template_name = "actions/my_actions.html"
    page_title = "My actions"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        wanted = {
            key: value for key, value in self.request.GET.items() if key in MY_ACTIONS_FILTERS
        }
        form = ActionFilterForm(wanted or None, user=self.request.user)
        filters = {key: value for key, value in form.filters().items() if key in MY_ACTIONS_FILTERS}
        owned = ImprovementAction.objects.filter(owner=self.request.user)
        # A person may own hundreds: a page at a time, as the action list.
        actions = filter_actions(filters, queryset=owned).order_by(
            "rag_rank", "due_date", "reference"
        )
        page = Paginator(actions, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["actions"] = page.object_list
        context["filtered_as"] = describe_my_filters(filters)
        return context


MY_ACTIONS_FILTERS = ("overdue", "due_within_days", "no_update_days")


def describe_my_filters(filters):
    """What My actions is narrowed to, in words, or "" when it shows them all."""
    if filters.get("overdue"):
        return "overdue"
    if days := filters.get("due_within_days"):
        return f"open and due in the next {count_of(days, 'day')}"
    if days := filters.get("no_update_days"):
        return f"open with no progress update for {count_of(days, 'day')} or more"
    return ""


def evidence_download(request, pk):
    """An evidence file, to those who may see evidence, always as a download."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    evidence = get_object_or_404(Evidence.objects.select_related("action"), pk=pk)
    if not may_see_evidence(request.user, evidence.action):
        raise PermissionDenied
    if not evidence.file:
        raise Http404("This evidence is a link, not a file")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        logger.warning("Evidence %s: file %s is missing", evidence.pk, evidence.file.name)
        raise Http404("The file is missing") from error
    return FileResponse(handle, as_attachment=True, filename=PurePath(evidence.file.name).name)
