"""Uploading a file of monthly figures: the upload page reads and checks it
(``figures_import.plan_from_file``, as ``import_measures`` does), the review page
shows every figure it gives beside what is recorded, and its one Confirm button
saves them all in one transaction (``figures_save.confirm_file``), only if saving
still does what the page showed. Nothing is saved before that button.
"""

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from accounts.access import may
from accounts.mixins import PageTitleMixin, PermissionMixin
from config.words import count_of

from . import upload_store
from .figures import ILLUSTRATIVE_SOURCE
from .figures_file import FileRefused, check_size, size_limit_label
from .figures_import import plan_from_file
from .figures_plan import CHANGED, NEW
from .figures_save import FiguresMoved, confirm_file
from .models import Measure, MeasureValue
from .upload_review import review_of, summary_of

ACCEPTED_FILES = ".csv,.xlsx"


class UploadForm(forms.Form):
    use_required_attribute = False

    figures = forms.FileField(
        label="Upload a file of figures",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
        error_messages={
            "required": "Choose a CSV file or an Excel workbook to upload",
            "empty": "The file is empty",
            "invalid": "The file could not be uploaded: try again",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.plan = self.data_read = None

    def clean_figures(self):
        upload = self.cleaned_data["figures"]
        try:
            # From its size alone, before reading it into memory.
            check_size(upload.size)
            data = upload.read()
            self.plan = plan_from_file(data, self.user)
        except FileRefused as refused:
            raise forms.ValidationError(refusal_messages(refused)) from None
        self.data_read = data
        return upload


def refusal_messages(refused):
    shown = list(refused.shown)
    if refused.not_shown:
        shown.append(f"{refused.not_shown[0].upper()}{refused.not_shown[1:]}: put those right too")
    return shown


class FiguresPermissionMixin(PermissionMixin):
    model = MeasureValue
    permission_verb = "enter_figures"

    def done_url(self):
        if may(self.request.user, "view", Measure):
            return reverse("measures:measure_list")
        return reverse("measures:figures_entry")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Where the breadcrumbs lead: an officer with no role has no list of measures.
        context["crumb_url"] = self.done_url()
        context["crumb_label"] = (
            "Measures" if may(self.request.user, "view", Measure) else "Enter a month’s figures"
        )
        return context


class FiguresUploadView(FiguresPermissionMixin, PageTitleMixin, TemplateView):
    template_name = "measures/figures_upload.html"
    page_title = "Upload figures"

    NOTICES = {
        "missing": "There is no file waiting for review: upload one to start.",
        "replaced": "The file you were reviewing has been replaced by a newer upload: "
        "review that one, or upload the file again.",
    }

    def get(self, request, *args, **kwargs):
        return self.show(UploadForm(user=request.user))

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.show(form, form.errors.get("figures", []))
        upload_store.hold(request.session, form.cleaned_data["figures"].name, form.data_read)
        return HttpResponseRedirect(reverse("measures:figures_review"))

    def show(self, form, problems=(), notice=None):
        """The page, with ``problems`` (the file's) in the error summary, each
        linking to the file box."""
        errors = [{"text": message, "href": "#id_figures"} for message in problems]
        return self.render_to_response(
            self.get_context_data(
                form=form,
                problems=list(problems),
                error_list=errors,
                page_has_errors=bool(errors),
                notice=notice or self.NOTICES.get(self.request.GET.get("file", "")),
                size_limit=size_limit_label(),
            )
        )


class FiguresReviewView(FiguresPermissionMixin, PageTitleMixin, TemplateView):
    """What saving the held file would do, and the button that saves it."""

    template_name = "measures/figures_review.html"
    page_title = "Check the figures before saving them"

    def get(self, request, *args, **kwargs):
        held = upload_store.held_file(request.session)
        data = held.read() if held else None
        if data is None:
            return redirect_to_upload("missing")
        try:
            plan = plan_from_file(data, request.user)
        except FileRefused as refused:
            # Read as the file was when uploaded: something changed since (a
            # measure renamed, say, or given to another officer).
            upload_store.discard(request.session)
            return self.refused(refused)
        return self.show(held, plan)

    def post(self, request, *args, **kwargs):
        held = upload_store.held_file(request.session)
        if held is None or request.POST.get("token") != held.token:
            # A review page left open after another upload replaced its file.
            return redirect_to_upload("replaced" if held else "missing")
        data = held.read()
        if data is None:
            return redirect_to_upload("missing")
        try:
            plan = confirm_file(
                data,
                request.user,
                request.POST.get("digest", ""),
                reason=f"From {held.original_name}",
            )
        except FiguresMoved as moved:
            return self.show(held, moved.plan, moved=True)
        except FileRefused as refused:
            upload_store.discard(request.session)
            return self.refused(refused)
        upload_store.discard(request.session)
        messages.success(request, saved_words(held.original_name, plan))
        return HttpResponseRedirect(self.done_url())

    def refused(self, refused):
        """The upload page, saying why the held file can no longer be saved."""
        upload = FiguresUploadView()
        upload.setup(self.request)
        return upload.show(
            UploadForm(user=self.request.user),
            refusal_messages(refused),
            notice="The file you were reviewing can no longer be saved as it stands, and "
            "nothing was saved: put it right and upload it again.",
        )

    def show(self, held, plan, moved=False):
        return self.render_to_response(
            self.get_context_data(
                held=held,
                plan=plan,
                digest=plan.digest,
                summary=summary_of(plan),
                kinds=review_of(plan),
                # One query: the plan's measures are loaded without their sources.
                illustrative=Measure.objects.filter(
                    pk__in={line.measure.pk for line in plan.lines}, source=ILLUSTRATIVE_SOURCE
                ).exists(),
                saves_anything=bool(plan.counts[NEW] or plan.counts[CHANGED]),
                moved=moved,
            )
        )


def saved_words(name, plan):
    counts = plan.counts
    done = []
    if counts[NEW]:
        done.append(f"{count_of(counts[NEW], 'figure')} added")
    if counts[CHANGED]:
        done.append(f"{count_of(counts[CHANGED], 'figure')} changed")
    if not done:
        return f"{name}: nothing needed saving, every figure was already recorded"
    return f"{name}: " + ", ".join(done)


def redirect_to_upload(notice):
    return HttpResponseRedirect(f"{reverse('measures:figures_upload')}?file={notice}")
