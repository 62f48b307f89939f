"""Every form says what its length limits are as GOV.UK words it ("Title must be
200 characters or fewer"), notes and descriptions included, and saves nothing
when a value is too long: one case per form and field, sent through its page."""

import pytest
from django.urls import reverse

from accounts.people_forms import PersonChangeForm
from actions.forms import ImprovementActionForm
from findings.forms import FindingForm
from inspections.forms import AreaOfConcernForm, InspectionForm, LocalAuthorityForm, VisitForm
from tests import factories

from .post_data import form_data

pytestmark = pytest.mark.django_db

# (form, factory, URL name of its edit page, field, limit, message)
CASES = [
    (ImprovementActionForm, factories.ImprovementActionFactory, "actions:action_edit",
     "title", 200, "Title must be 200 characters or fewer"),
    (ImprovementActionForm, factories.ImprovementActionFactory, "actions:action_edit",
     "description", 5000, "Description must be 5,000 characters or fewer"),
    (ImprovementActionForm, factories.ImprovementActionFactory, "actions:action_edit",
     "success_measure", 2000, "Success measure must be 2,000 characters or fewer"),
    (ImprovementActionForm, factories.ImprovementActionFactory, "actions:action_edit",
     "source", 200, "Source must be 200 characters or fewer"),
    (AreaOfConcernForm, factories.AreaOfConcernFactory, "inspections:area_update",
     "title", 200, "Title must be 200 characters or fewer"),
    (AreaOfConcernForm, factories.AreaOfConcernFactory, "inspections:area_update",
     "description", 5000, "Description must be 5,000 characters or fewer"),
    (InspectionForm, factories.InspectionFactory, "inspections:inspection_update",
     "notes", 5000, "Notes must be 5,000 characters or fewer"),
    (InspectionForm, factories.InspectionFactory, "inspections:inspection_update",
     "lead_inspector", 150, "Lead inspector must be 150 characters or fewer"),
    (VisitForm, factories.VisitFactory, "inspections:visit_update",
     "notes", 5000, "Notes must be 5,000 characters or fewer"),
    (VisitForm, factories.VisitFactory, "inspections:visit_update",
     "inspectors", 1000, "Inspectors must be 1,000 characters or fewer"),
    (VisitForm, factories.VisitFactory, "inspections:visit_update",
     "letter_text", 100000, "Text of the letter must be 100,000 characters or fewer"),
    (FindingForm, factories.FindingFactory, "findings:finding_update",
     "summary", 300, "Summary must be 300 characters or fewer"),
    (FindingForm, factories.FindingFactory, "findings:finding_update",
     "evidence", 10000, "Evidence must be 10,000 characters or fewer"),
    (LocalAuthorityForm, factories.LocalAuthorityFactory, "inspections:authority_update",
     "name", 150, "The name must be 150 characters or fewer"),
    (PersonChangeForm, factories.UserFactory, "accounts:person_update",
     "full_name", 150, "Full name must be 150 characters or fewer"),
    (PersonChangeForm, factories.UserFactory, "accounts:person_update",
     "job_title", 150, "Job title must be 150 characters or fewer"),
]  # fmt: skip


def case_id(case):
    return f"{case[0].__name__}.{case[3]}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_an_over_long_value_is_refused_in_gov_uk_words_and_nothing_is_saved(team, case):
    form_class, factory, url_name, field, limit, message = case
    record = factory()
    before = form_data(form_class, record)
    history_rows = record.history.count()
    data = {**before, field: "x" * (limit + 1)}

    response = team.post(reverse(url_name, args=[record.pk]), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    # The browser is not told to cut the text short: the message says what to do.
    assert f'maxlength="{limit}"' not in html
    record.refresh_from_db()
    assert form_data(form_class, record) == before
    assert record.history.count() == history_rows


def test_a_value_at_the_limit_is_kept(team):
    action = factories.ImprovementActionFactory()
    data = form_data(ImprovementActionForm, action, description="x" * 5000)
    response = team.post(reverse("actions:action_edit", args=[action.pk]), data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert len(action.description) == 5000


def test_an_over_long_progress_note_is_refused_and_nothing_is_saved(client, action_owner):
    action = factories.ImprovementActionFactory(owner=action_owner)
    client.force_login(action_owner)
    response = client.post(reverse("actions:action_update", args=[action.pk]), {"note": "x" * 5001})
    assert response.status_code == 200
    assert "The note must be 5,000 characters or fewer" in response.content.decode()
    assert action.updates.count() == 0


def test_over_long_commentary_on_a_rating_is_refused_and_nothing_is_saved(team):
    area_link = factories.VisitAreaFactory()
    visit, area = area_link.visit, area_link.area
    response = team.post(
        reverse("findings:visit_ratings", args=[visit.pk]),
        {f"rating_{area.pk}": "improved", f"commentary_{area.pk}": "x" * 5001},
    )
    assert response.status_code == 200
    assert (
        f"Commentary on {area.title} must be 5,000 characters or fewer" in response.content.decode()
    )
    assert visit.area_ratings.count() == 0


def test_an_over_long_pack_title_is_refused_and_no_pack_is_frozen(team):
    from progress.models import CommitteePack

    response = team.post(
        reverse("progress:pack_create"),
        {
            "title": "x" * 201,
            "committee_date_0": "1",
            "committee_date_1": "3",
            "committee_date_2": "2025",
        },
    )
    assert response.status_code == 200
    assert "Title must be 200 characters or fewer" in response.content.decode()
    assert not CommitteePack.objects.exists()
