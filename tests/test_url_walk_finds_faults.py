"""The URL walk checked against pages made faulty on purpose: a walk that passed
everything would look the same as one that works.

This module is its own URLconf: the frame's pages, plus one faulty page for each
rule, each of which the walk must report.
"""

import re

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path
from django.views.generic import TemplateView, UpdateView

from accounts import views as account_views
from accounts.mixins import AuditedUpdateView, PermissionMixin
from inspections.models import Visit

from . import walk
from .test_url_walk import walk_as

pytestmark = pytest.mark.django_db


class LeakyEditView(PermissionMixin, UpdateView):
    """Saves a visit but asks only whether the person may view it."""

    model = Visit
    fields = ["notes"]
    template_name = "includes/form_page.html"
    success_url = "/"


class EditView(AuditedUpdateView):
    model = Visit
    fields = ["notes"]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        return kwargs


class PageWithEditLink(PermissionMixin, TemplateView):
    """A page anyone who may see visits may read, with an edit link for everyone."""

    model = Visit

    def get(self, request, *args, **kwargs):
        return HttpResponse(f'<a href="/faults/visits/{kwargs["pk"]}/edit/">Edit</a>')


class BrokenPage(PermissionMixin, TemplateView):
    model = Visit

    def get(self, request, *args, **kwargs):
        raise RuntimeError("a fault")


faults = [
    path("visits/<int:pk>/leaky/", LeakyEditView.as_view(), name="leaky"),
    path("visits/<int:pk>/edit/", EditView.as_view(), name="edit"),
    path("visits/<int:pk>/", PageWithEditLink.as_view(), name="with_edit_link"),
    path("broken/", BrokenPage.as_view(), name="broken"),
]

urlpatterns = [
    # A page of its own for "home": the real one links to layers this URLconf leaves out.
    path("", account_views.AccessibilityView.as_view(), name="home"),
    path("accessibility/", account_views.AccessibilityView.as_view(), name="accessibility"),
    path("", include("accounts.urls")),
    path("faults/", include((faults, "faults"))),
]


@pytest.fixture
def faulty_site():
    with override_settings(ROOT_URLCONF=__name__):
        yield


@pytest.fixture
def samples(db):
    return walk.build_samples()


def test_it_reports_a_page_that_writes_without_asking_a_write_verb(faulty_site):
    from .test_url_walk import test_every_page_that_takes_a_form_checks_a_write_permission

    with pytest.raises(AssertionError, match="faults:leaky"):
        test_every_page_that_takes_a_form_checks_a_write_permission(walk.pages_by_name())


def test_it_reports_what_a_scrutiny_member_should_not_see_or_do(faulty_site, samples):
    _found, report = walk_as(walk.SCRUTINY, samples)
    text = report.text()
    assert "no URL answers 500" in text and "faults:broken" in text
    # The leaky page lets a councillor change a visit...
    assert "scrutiny members and signed-out people change nothing" in text
    # ...and the read page shows them a link to the edit page.
    assert "a scrutiny member sees no edit control" in text
    # Record ids differ between databases (PostgreSQL never reuses a sequence).
    assert re.search(r"/faults/visits/\d+/edit/ \(linked from faults:with_edit_link", text)
    # The unpublished visit's page is open to them.
    assert "a scrutiny member reads published records only" in text


def test_it_reports_a_url_it_cannot_fill_in(samples):
    page = walk.Page(
        name="faults:mystery",
        route="mystery/<int:thing>/",
        params=("thing",),
        callback=None,
        view_class=None,
        model=None,
        verb=None,
        post_only=False,
    )
    _found, problems = walk.targets(samples, [page])
    assert len(problems) == 1
    assert problems[0].startswith("faults:mystery (/mystery/<int:thing>/)")
    assert "KWARGS_OVERRIDES" in problems[0]
