"""The audit log, each record's full history, and restoring a deleted record.

Only people ``may`` let see history (the improvement team and senior leaders) see
these pages; only the improvement team may restore.
"""

import csv
from functools import cached_property

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.views.generic import FormView, TemplateView, View

from .access import may
from .history import (
    AuditLog,
    changes_for,
    csv_rows,
    history_model,
    kind_name,
    record_id,
    record_name,
    rows_of,
    tracked_model,
)
from .history_forms import AuditLogFilterForm, RestoreForm
from .mixins import PermissionMixin
from .restoring import RestoreRefused, restore, restore_problems

PAGE_SIZE = 50


class HistoryPermissionMixin(PermissionMixin):
    # The permission is to the audit trail as a whole, not to one kind of record.
    model = None
    permission_verb = "view_history"


def tracked_model_or_404(app_label, model_name):
    try:
        return tracked_model(app_label, model_name)
    except LookupError as error:
        raise Http404("There is no such kind of record") from error


def paged(request, object_list):
    """The page the request asks for (the first for nonsense)."""
    page = Paginator(object_list, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page_obj": page}


def _filter_form(request):
    # Bound only once filters (or a page number) are in the URL, so the first visit
    # shows every change rather than errors about empty boxes.
    return AuditLogFilterForm(request.GET or None)


class AuditLogView(HistoryPermissionMixin, TemplateView):
    template_name = "accounts/audit_log.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = _filter_form(self.request)
        context["form"] = form
        context["may_restore"] = may(self.request.user, "restore")
        if form.is_bound and not form.is_valid():
            return context
        context.update(paged(self.request, AuditLog(form.filters())))
        filters = self.request.GET.copy()
        filters.pop("page", None)
        context["csv_url"] = f"{reverse('accounts:audit_log_csv')}?{filters.urlencode()}"
        return context


class _Echo:
    """csv.writer writes to a file; this hands each line straight back instead."""

    def write(self, line):
        return line


class AuditLogCsvView(HistoryPermissionMixin, View):
    """The same filtered changes as the audit log, all of them, streamed as CSV."""

    def get(self, request, *args, **kwargs):
        form = _filter_form(request)
        if form.is_bound and not form.is_valid():
            # The log page shows what is wrong with the filters.
            return redirect(f"{reverse('accounts:audit_log')}?{request.GET.urlencode()}")
        writer = csv.writer(_Echo())
        # The byte order mark tells Excel the file is UTF-8 (names, arrows, quotes).
        lines = (writer.writerow(row) for row in csv_rows(AuditLog(form.filters())))
        response = StreamingHttpResponse(
            _starting_with("\ufeff", lines), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        return response


def _starting_with(first, rest):
    yield first
    yield from rest


def _url_of(model, pk):
    """The record's own page, if it still exists and has one."""
    record = model._base_manager.filter(pk=pk).first()
    if record is None or not hasattr(record, "get_absolute_url"):
        return None
    try:
        return record.get_absolute_url()
    except NoReverseMatch:
        return None


class ObjectHistoryView(HistoryPermissionMixin, TemplateView):
    """Every change to one record, including one that has since been deleted."""

    template_name = "accounts/object_history.html"

    def get_context_data(self, app_label, model_name, pk, **kwargs):
        context = super().get_context_data(**kwargs)
        model = tracked_model_or_404(app_label, model_name)
        context.update(paged(self.request, rows_of(model, pk)))
        page = context["page_obj"]
        if not page.paginator.count:
            raise Http404("This record has no history")
        context.update(
            changes=changes_for(page.object_list),
            record=record_name(model, pk),
            record_kind=kind_name(model),
            record_url=_url_of(model, pk),
            may_restore=may(self.request.user, "restore"),
        )
        return context


class RestoreView(PermissionMixin, FormView):
    """Asks for confirmation, then brings the record back, or says why it cannot."""

    model = None
    permission_verb = "restore"
    template_name = "accounts/restore.html"
    form_class = RestoreForm

    @cached_property
    def row(self):
        model = tracked_model_or_404(self.kwargs["app_label"], self.kwargs["model_name"])
        deletions = history_model(model).objects.select_related("history_user")
        return get_object_or_404(deletions, history_id=self.kwargs["history_id"], history_type="-")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model, pk = self.row.instance_type, record_id(self.row)
        person = self.row.history_user
        context.update(
            # The page is about a deleted record: no need to say so in its name.
            record=record_name(model, pk, mark_deleted=False),
            record_kind=kind_name(model),
            deleted_by=person.get_full_name() if person else "The system",
            deleted_at=self.row.history_date,
            history_url=reverse(
                "accounts:object_history",
                args=[model._meta.app_label, model._meta.model_name, pk],
            ),
            has_links=bool(type(self.row)._history_m2m_fields),
        )
        return context

    def _refused(self, problems):
        form = RestoreForm(data={})
        for problem in problems:
            form.add_error(None, problem)
        return self.render_to_response(self.get_context_data(form=form))

    def get(self, request, *args, **kwargs):
        problems = restore_problems(self.row)
        if problems:
            return self._refused(problems)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            restored = restore(self.row, self.request.user)
        except RestoreRefused as refusal:
            return self._refused(refusal.problems)
        record = restored.record
        message = f"Restored {record._meta.verbose_name} ‘{record_name(type(record), record.pk)}’"
        if restored.lost_links:
            message += (
                f". Its links to {'; '.join(restored.lost_links)} were not restored: "
                "those records have been deleted"
            )
        messages.success(self.request, message)
        return redirect(_url_of(type(record), record.pk) or reverse("accounts:audit_log"))
