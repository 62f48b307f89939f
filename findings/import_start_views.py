"""The start of an import: the person uploads or pastes a document, which is read
off the request (findings.document_reading), while the reading page waits for it.

Neither page holds a transaction while a document is read: the start page runs
outside ATOMIC_REQUESTS, so its reading row is committed before a worker looks
for it, and reading in-process (without REDIS_URL) opens none.
"""

import logging

from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import FormView, TemplateView

from accounts.mixins import PageTitleMixin

from . import document_reading
from .import_drafts import discard_draft, start_draft
from .import_forms import StartForm
from .import_views import ImportPermissionMixin, redirect_to_start
from .models import DocumentReading

logger = logging.getLogger(__name__)

# The session's reading under way (its token), and a refused reading's message
# for the start page to show once.
READING_KEY = "findings_import_reading"
REFUSAL_KEY = "findings_import_refusal"
# How often the reading page looks again, in seconds.
CHECK_EVERY_SECONDS = 2


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ImportStartView(ImportPermissionMixin, PageTitleMixin, FormView):
    form_class = StartForm
    template_name = "findings/import_start.html"
    page_title = "Import a letter or report"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method != "GET":
            return kwargs
        refusal = self.request.session.pop(REFUSAL_KEY, None)
        if isinstance(refusal, dict) and refusal.get("message"):
            # Shown as the form's own error, with what was pasted given back.
            kwargs["data"] = {
                "authority": refusal.get("authority", ""),
                "text": refusal.get("text", ""),
            }
            kwargs["refusal"] = refusal
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound:
            form.is_valid()
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notice"] = {
            "missing": "There is no document waiting for review. Upload or paste one to start.",
            "replaced": "The document you were reviewing has been replaced by a newer import.",
        }.get(self.request.GET.get("draft", ""))
        return context

    def form_valid(self, form):
        from .tasks import read_document

        data = form.cleaned_data
        discard_draft(self.request)
        forget_reading(self.request)
        reading = document_reading.ask_for_reading(
            self.request.user,
            data["authority"],
            text=data["pasted"],
            data=data["data"],
            original_name=data["original_name"],
        )
        self.request.session[READING_KEY] = reading.token
        try:
            read_document.delay(reading.pk)
        except Exception:
            # The broker is down: say so now rather than wait for the reading to be lost.
            logger.exception("Could not queue the reading of an import")
            DocumentReading.objects.filter(pk=reading.pk).update(
                **document_reading.refusal(
                    reading, "The document could not be read just now: try again in a few minutes"
                )
            )
        return HttpResponseRedirect(reverse("findings:import_reading"))


class ImportReadingView(ImportPermissionMixin, PageTitleMixin, TemplateView):
    """ "Reading the document": looks again every few seconds until the reading is
    done, then sends the person to the review page, or back to the start page with
    the reason it was refused."""

    template_name = "findings/import_reading.html"
    page_title = "Reading the document"

    def get(self, request, *args, **kwargs):
        reading = session_reading(request)
        if reading is None:
            return redirect_to_start("missing")
        reading = document_reading.give_up_if_lost(reading)
        if "application/json" in request.headers.get("Accept", ""):
            # The page's script asking whether to load the page again.
            done = reading.state in (DocumentReading.State.READY, DocumentReading.State.REFUSED)
            return JsonResponse({"done": done})
        if reading.state == DocumentReading.State.READY:
            start_draft(
                request,
                kind=reading.kind,
                authority_id=reading.authority_id,
                text=reading.text,
                parsed=reading.parsed,
                original_name=reading.original_name,
                stored_name=reading.stored_name,
            )
            forget_reading(request)
            return HttpResponseRedirect(reverse("findings:import_review"))
        if reading.state == DocumentReading.State.REFUSED:
            request.session[REFUSAL_KEY] = {
                "field": reading.refused_field,
                "message": reading.refusal,
                "authority": str(reading.authority_id),
                "text": "" if reading.stored_name else reading.text,
            }
            forget_reading(request)
            return HttpResponseRedirect(reverse("findings:import_start"))
        return self.render_to_response(
            self.get_context_data(reading=reading, check_every=CHECK_EVERY_SECONDS)
        )


def session_reading(request):
    token = request.session.get(READING_KEY)
    if not isinstance(token, str) or not token:
        return None
    return DocumentReading.objects.filter(token=token, requested_by=request.user).first()


def forget_reading(request):
    reading = session_reading(request)
    if reading is not None:
        document_reading.forget(reading)
    request.session.pop(READING_KEY, None)
