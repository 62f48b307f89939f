"""Each person's feed tokens: make one (its key shown once), see when each was last
used, revoke one.

A token is the person's own credential, like their session: everyone signed in
may make and revoke their own, scrutiny members included, and a token only ever
reads what its owner may read. The improvement team may also revoke anyone's
token, for when a key is lost or a laptop goes missing. Every change is in the
token's history with the person who made it.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from accounts.access import is_improvement_team, may
from accounts.audit import save_as
from accounts.mixins import PageTitleMixin

from . import export_tables
from .models import FeedToken

FEED_URL_NAMES = {
    FeedToken.Purpose.DATA_FEED: [
        ("Actions", "progress:feed_actions"),
        ("Findings", "progress:feed_findings"),
        ("Area ratings", "progress:feed_ratings"),
        ("Measures' monthly values", "progress:feed_measure_values"),
    ],
    FeedToken.Purpose.CALENDAR: [("My actions' due dates", "progress:feed_calendar")],
}
EXPORT_URL_NAMES = {
    "actions": "progress:export_actions",
    "findings": "progress:export_findings",
    "area-ratings": "progress:export_ratings",
    "measure-values": "progress:export_measure_values",
}


def readable_tables(user):
    return [
        table_class for table_class in export_tables.TABLES.values() if table_class(user).allowed()
    ]


def purposes_for(user):
    """A data token only for someone who may read at least one table; a calendar
    for anyone, since anyone may own actions."""
    purposes = list(FeedToken.Purpose.choices)
    if not readable_tables(user):
        purposes = [p for p in purposes if p[0] != FeedToken.Purpose.DATA_FEED]
    return purposes


def feed_urls(request, purpose):
    return [
        (label, request.build_absolute_uri(reverse(name)))
        for label, name in FEED_URL_NAMES[purpose]
    ]


class TokenForm(forms.Form):
    purpose = forms.ChoiceField(
        label="What is the token for?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what the token is for",
            "invalid_choice": "Choose what the token is for",
        },
    )
    label = forms.CharField(
        label="Name (optional)",
        required=False,
        max_length=100,
        help_text="So you can tell your tokens apart, for example 'Committee report'.",
        error_messages={"max_length": "Name must be 100 characters or fewer"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["purpose"].choices = purposes_for(user)
        self.helper = FormHelper(self)
        self.helper.add_input(Submit("submit", "Create token"))


class RevokeForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.add_input(
            Submit("submit", "Yes, revoke this token", css_class="govuk-button--warning")
        )


class TokenListView(LoginRequiredMixin, PageTitleMixin, TemplateView):
    template_name = "progress/token_list.html"
    page_title = "Feeds and downloads"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        readable = {table_class.name for table_class in readable_tables(user)}
        context.update(
            tokens=FeedToken.objects.filter(user=user),
            others_tokens=(
                FeedToken.objects.filter(revoked_at__isnull=True)
                .exclude(user=user)
                .select_related("user")
                .order_by("user__full_name", "-created_at")
                if is_improvement_team(user)
                else None
            ),
            downloads=[
                (table_class.title, EXPORT_URL_NAMES[table_class.name])
                for table_class in export_tables.TABLES.values()
                if table_class.name in readable
            ],
            data_feed_urls=feed_urls(self.request, FeedToken.Purpose.DATA_FEED) if readable else [],
            calendar_urls=feed_urls(self.request, FeedToken.Purpose.CALENDAR),
        )
        return context


class TokenCreateView(LoginRequiredMixin, PageTitleMixin, FormView):
    permission_verb = "issue_token"
    form_class = TokenForm
    template_name = "includes/form_page.html"
    page_title = "Create a feed token"
    intro = (
        "A token lets a reporting tool or a calendar read your feeds without signing in. "
        "It can read only what you can see here. You will see it once."
    )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may(request.user, "issue_token"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_back_url(self):
        return reverse("progress:token_list")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        purpose = form.cleaned_data["purpose"]
        token, key = FeedToken.issue(self.request.user, purpose, form.cleaned_data["label"])
        # Shown in this answer and nowhere else: only its hash is kept.
        response = TemplateResponse(
            self.request,
            "progress/token_created.html",
            {
                "page_title": "Your new token",
                "token": token,
                "key": key,
                "urls": feed_urls(self.request, purpose),
                "is_calendar": purpose == FeedToken.Purpose.CALENDAR,
            },
        )
        response["Cache-Control"] = "private, no-store"
        return response


class TokenRevokeView(LoginRequiredMixin, PageTitleMixin, FormView):
    permission_verb = "issue_token"
    model = FeedToken  # the record ``pk`` names
    form_class = RevokeForm
    template_name = "progress/token_revoke.html"
    page_title = "Revoke a token"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may(request.user, "issue_token"):
            raise PermissionDenied
        self.token = get_object_or_404(FeedToken.objects.select_related("user"), pk=kwargs["pk"])
        mine = self.token.user_id == request.user.pk
        if not (mine or is_improvement_team(request.user)):
            # Someone else's token is not theirs to know about.
            raise Http404("No such token")
        if not self.token.is_active:
            messages.info(request, "That token was already revoked")
            return HttpResponseRedirect(reverse("progress:token_list"))
        return super().dispatch(request, *args, **kwargs)

    def get_back_url(self):
        return reverse("progress:token_list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["token"] = self.token
        context["mine"] = self.token.user_id == self.request.user.pk
        return context

    def form_valid(self, form):
        self.token.revoked_at = timezone.now()
        save_as(self.token, self.request.user)
        messages.success(self.request, f"Revoked the token {self.token.label or self.token}")
        return HttpResponseRedirect(reverse("progress:token_list"))
