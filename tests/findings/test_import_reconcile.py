"""Importing a letter into a visit that already has its findings: each paragraph is
matched to the finding it repeats, and saving updates, adds or leaves out each one
as the review chose, saying how many of each."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command

from findings.importing import FINDING_MATCH_THRESHOLD, similarity
from findings.models import Finding
from inspections.models import Visit
from tests.findings.import_helpers import form_values, post_review, review_of, rows, seed_text
from tests.inspections.page_checks import error_messages

pytestmark = [pytest.mark.django_db, pytest.mark.requires_seeds]


@pytest.fixture
def seventh_visit(db):
    call_command("load_demo", stdout=io.StringIO())
    return Visit.objects.get(authority__name="Devon County Council", start_date="2024-03-05")


@pytest.fixture
def review(team, seventh_visit):
    response = review_of(team, seventh_visit.authority, seed_text())
    assert "This visit is already recorded" in response.content.decode()
    return form_values(response)


def banner(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_each_paragraph_is_matched_to_the_finding_it_repeats_and_nothing_is_duplicated(
    team, seventh_visit, review
):
    recorded = list(seventh_visit.findings.all())
    matches = rows(review, "findings", "match")
    texts = rows(review, "findings", "text")
    matched = [match for match in matches if match.startswith("finding:")]
    # Every recorded finding is offered once; the letter's other paragraphs are new,
    # and none of those is like any finding already recorded.
    assert len(matched) == len(set(matched)) >= len(recorded) - 1
    for match, text in zip(matches, texts, strict=True):
        if match == "new":
            assert all(
                similarity(text, finding.evidence) < FINDING_MATCH_THRESHOLD for finding in recorded
            )
    response = post_review(team, review)
    assert response.status_code == 302, error_messages(response)
    added = matches.count("new")
    assert seventh_visit.findings.count() == len(recorded) + added
    # The matched findings kept their rows (and the actions that answer them).
    assert set(seventh_visit.findings.values_list("pk", flat=True)) >= {f.pk for f in recorded}
    said = banner(response)[-1]
    assert said.startswith(f"Updated {seventh_visit}: ")
    assert f"{added} finding" in said and "0 left out" in said


def test_saving_follows_the_choice_made_for_each_paragraph(team, seventh_visit, review):
    matches = rows(review, "findings", "match")
    first, second = [i for i, m in enumerate(matches) if m.startswith("finding")][:2]
    kept_pk = int(matches[first].removeprefix("finding:"))
    before = seventh_visit.findings.count()
    response = post_review(
        team,
        review,
        **{
            f"findings-{first}-match": "leave",
            f"findings-{second}-match": "new",
            f"findings-{second}-kind": Finding.Kind.SERIOUS_CONCERN,
        },
    )
    assert response.status_code == 302
    assert Finding.objects.filter(pk=kept_pk).exists()
    new = matches.count("new") + 1
    assert seventh_visit.findings.count() == before + new
    said = banner(response)[-1]
    assert f"{new} findings added" in said and "1 left out" in said
    latest = Finding.history.filter(visit_id=seventh_visit.pk, history_type="+").latest(
        "history_date"
    )
    assert latest.history_user is not None


def test_one_recorded_finding_cannot_be_chosen_for_two_paragraphs(team, seventh_visit, review):
    matches = rows(review, "findings", "match")
    chosen = [i for i, m in enumerate(matches) if m.startswith("finding")][:2]
    before = seventh_visit.findings.count()
    response = post_review(team, review, **{f"findings-{chosen[1]}-match": matches[chosen[0]]})
    assert response.status_code == 200
    assert (
        f"Finding {chosen[1] + 1}: This finding already recorded is chosen for two paragraphs: "
        "choose another"
    ) in error_messages(response)
    assert seventh_visit.findings.count() == before


def test_the_review_quotes_the_finding_a_paragraph_is_matched_to(team, seventh_visit):
    response = review_of(team, seventh_visit.authority, seed_text())
    page = response.content.decode()
    first = seventh_visit.findings.order_by("section", "position").first()
    assert "Recorded now as:" in page
    assert f'value="finding:{first.pk}"' in page
