"""View building blocks: every view asks ``accounts.access.may`` on the server
before it shows or changes anything, and every form it saves knows who is acting."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models.deletion import ProtectedError
from django.http import HttpResponseRedirect
from django.views.generic import CreateView, DeleteView, DetailView, ListView, UpdateView

from .access import may
from .forms import AuditedDeleteForm


class PermissionMixin(LoginRequiredMixin):
    """Refuses (403) anyone ``may`` says no to. Anonymous people go to sign in.

    ``permission_verb`` is asked of the model before the view runs and, for views
    of one object, of that object once it is loaded.
    """

    permission_verb = "view"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may(request.user, self.permission_verb, self.get_permission_model()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_permission_model(self):
        return self.model

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not may(self.request.user, self.permission_verb, obj):
            raise PermissionDenied
        return obj


class PageTitleMixin:
    page_title = ""
    caption = ""
    intro = ""

    def get_page_title(self):
        return self.page_title

    def get_back_url(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("page_title", self.get_page_title())
        context.setdefault("caption", self.caption)
        context.setdefault("intro", self.intro)
        context.setdefault("back_url", self.get_back_url())
        return context


class AuditedFormMixin(PageTitleMixin):
    template_name = "includes/form_page.html"
    success_message = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.success_message:
            messages.success(self.request, self.success_message.format(object=self.object))
        return response


class AuditedCreateView(PermissionMixin, AuditedFormMixin, CreateView):
    permission_verb = "add"


class AuditedUpdateView(PermissionMixin, AuditedFormMixin, UpdateView):
    permission_verb = "change"


class AuditedDetailView(PermissionMixin, DetailView):
    permission_verb = "view"


class AuditedListView(PermissionMixin, ListView):
    permission_verb = "view"
    paginate_by = 25


class AuditedDeleteView(PermissionMixin, PageTitleMixin, DeleteView):
    """Asks for confirmation, then deletes with the acting person on every history
    row, including the rows the deletion cascades to."""

    permission_verb = "delete"
    template_name = "includes/confirm_delete.html"
    form_class = AuditedDeleteForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        kwargs["user"] = self.request.user
        return kwargs

    def get_cascades(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_label"] = str(self.object)
        context["object_kind"] = self.object._meta.verbose_name
        context["cascades"] = self.get_cascades()
        return context

    def form_valid(self, form):
        label = str(self.object)
        success_url = self.get_success_url()
        try:
            form.delete()
        except ProtectedError:
            form.add_error(None, f"{label} cannot be deleted while other records depend on it.")
            return self.form_invalid(form)
        messages.success(self.request, f"Deleted {label}")
        return HttpResponseRedirect(success_url)
