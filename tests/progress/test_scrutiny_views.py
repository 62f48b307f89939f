"""The scrutiny members' read-only pages: the ratings matrix, each area's page and
the published letters show published records only, name owners by job title, and
cost the same number of queries however much there is."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.audit import save_as
from findings.models import AreaRating
from inspections.models import AreaOfConcern, Visit
from progress import scrutiny
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(improvement_officer, action_owner):
    """Two areas of one inspection, a published visit and a later unpublished one,
    and an action with a shared update and an internal one."""
    inspection = factories.InspectionFactory()
    front_door, supervision = (
        factories.AreaOfConcernFactory(identified_at=inspection, title=title)
        for title in ("Front door", "Supervision")
    )
    first = factories.VisitFactory(
        follows=inspection,
        number=1,
        start_date=datetime.date(2023, 5, 2),
        end_date=datetime.date(2023, 5, 3),
        letter_text="Dear Director,\n\nThis letter sets out the findings.\n\nYours sincerely",
    )
    second = factories.VisitFactory(
        follows=inspection,
        number=2,
        start_date=datetime.date(2023, 9, 5),
        end_date=datetime.date(2023, 9, 6),
        is_published=False,
        published_on=None,
        letter_text="Draft letter not yet out",
    )
    factories.AreaRatingFactory(visit=first, area=front_door, rating=AreaRating.Rating.IMPROVED)
    factories.AreaRatingFactory(visit=first, area=supervision, rating=AreaRating.Rating.DECLINED)
    factories.AreaRatingFactory(visit=second, area=front_door, rating=AreaRating.Rating.NO_CHANGE)
    factories.FindingFactory(visit=first, area=front_door, summary="Referrals are screened quickly")
    factories.FindingFactory(visit=second, area=front_door, summary="Draft finding kept inside")
    action = factories.ImprovementActionFactory(owner=action_owner, title="Audit the front door")
    action.areas.add(front_door)
    factories.ActionUpdateFactory(
        action=action,
        note="Shared: audits are monthly now",
        shareable_with_scrutiny=True,
        created_at=datetime.datetime(2024, 1, 10, 9, tzinfo=datetime.UTC),
    )
    factories.ActionUpdateFactory(
        action=action,
        note="Internal: staff sickness is behind the delay",
        shareable_with_scrutiny=False,
        created_at=datetime.datetime(2024, 2, 10, 9, tzinfo=datetime.UTC),
    )
    return {
        "front_door": front_door,
        "supervision": supervision,
        "first": first,
        "second": second,
        "action": action,
    }


def page(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_each_rating_as_a_word_in_visit_order(client, scrutiny_member, story):
    html = page(client, scrutiny_member, "progress:scrutiny_matrix")
    assert html.index("Improved") < html.index("Declined")
    assert str(story["first"]) in html
    assert '<th scope="row"' in html and '<th scope="col"' in html and "<caption" in html


def test_it_leaves_the_unpublished_visit_out_of_a_scrutiny_members_matrix(
    client, scrutiny_member, story
):
    html = page(client, scrutiny_member, "progress:scrutiny_matrix")
    assert str(story["second"]) not in html
    assert "No change" not in html  # the unpublished visit's rating


def test_it_shows_officers_the_unpublished_visit_marked_as_such(client, improvement_officer, story):
    html = page(client, improvement_officer, "progress:scrutiny_matrix")
    assert str(story["second"]) in html
    assert "Not published" in html


def test_the_matrix_puts_the_ratings_in_the_right_cells(story):
    data = scrutiny.matrix_for(None)
    assert [column["pk"] for column in data["visits"]] == [story["first"].pk]
    cells = {row["title"]: [c and c["label"] for c in row["cells"]] for row in data["rows"]}
    assert cells == {"Front door": ["Improved"], "Supervision": ["Declined"]}


def test_it_lists_published_letters_only_to_a_scrutiny_member(client, scrutiny_member, story):
    html = page(client, scrutiny_member, "progress:letter_list")
    assert str(story["first"]) in html
    assert str(story["second"]) not in html


def test_it_refuses_a_scrutiny_member_an_unpublished_letter(client, scrutiny_member, story):
    client.force_login(scrutiny_member)
    response = client.get(reverse("progress:letter_detail", args=[story["second"].pk]))
    assert response.status_code == 404
    assert b"Draft letter" not in response.content


def test_it_shows_a_letter_as_its_paragraphs(client, scrutiny_member, story):
    html = page(client, scrutiny_member, "progress:letter_detail", story["first"].pk)
    assert '<p class="govuk-body">This letter sets out the findings.</p>' in html
    assert '<p class="govuk-body">Yours sincerely</p>' in html


def test_an_areas_page_shows_published_findings_only(client, scrutiny_member, story):
    html = page(client, scrutiny_member, "progress:scrutiny_area", story["front_door"].pk)
    assert "Referrals are screened quickly" in html
    assert "Draft finding kept inside" not in html


def test_an_areas_page_shows_only_updates_shared_with_scrutiny(client, scrutiny_member, story):
    html = page(client, scrutiny_member, "progress:scrutiny_area", story["front_door"].pk)
    assert "Shared: audits are monthly now" in html
    assert "Internal: staff sickness" not in html


def test_an_areas_page_names_the_owner_by_job_title(client, scrutiny_member, story):
    html = page(client, scrutiny_member, "progress:scrutiny_area", story["front_door"].pk)
    owner = story["action"].owner
    assert owner.job_title in html
    assert owner.full_name not in html


@pytest.mark.parametrize(
    "name",
    ["progress:scrutiny_matrix", "progress:scrutiny_area", "progress:letter_list"],
)
def test_no_scrutiny_page_shows_an_owners_e_mail(client, scrutiny_member, story, name):
    args = [story["front_door"].pk] if name == "progress:scrutiny_area" else []
    html = page(client, scrutiny_member, name, *args)
    assert story["action"].owner.email not in html
    assert "@council.example" not in html


def test_the_menu_takes_a_scrutiny_member_to_the_progress_pages(client, scrutiny_member):
    client.force_login(scrutiny_member)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("progress:scrutiny_matrix")}"' in html


def test_the_progress_pages_refuse_someone_without_a_role(client, action_owner, story):
    client.force_login(action_owner)
    assert client.get(reverse("progress:scrutiny_matrix")).status_code == 403


# Constant queries ------------------------------------------------------------------------


def build_matrix(areas, visits):
    """``areas`` areas rated at each of ``visits`` published visits (bulk rows)."""
    inspection = factories.InspectionFactory()
    made_areas = AreaOfConcern.objects.bulk_create(
        AreaOfConcern(identified_at=inspection, title=f"Area {n}") for n in range(areas)
    )
    made_visits = Visit.objects.bulk_create(
        Visit(
            authority=inspection.authority,
            follows=inspection,
            kind=Visit.Kind.MONITORING,
            number=n + 1,
            start_date=datetime.date(2021, 1, 1) + datetime.timedelta(days=30 * n),
            end_date=datetime.date(2021, 1, 2) + datetime.timedelta(days=30 * n),
            is_published=True,
        )
        for n in range(visits)
    )
    choices = list(AreaRating.Rating.values)
    AreaRating.objects.bulk_create(
        AreaRating(visit=visit, area=area, rating=choices[(i + j) % len(choices)])
        for i, area in enumerate(made_areas)
        for j, visit in enumerate(made_visits)
    )


def matrix_queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("progress:scrutiny_matrix"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_matrix_runs_the_same_queries_at_any_size(client, scrutiny_member):
    build_matrix(5, 5)
    small, small_html = matrix_queries(client, scrutiny_member)
    build_matrix(35, 25)
    large, large_html = matrix_queries(client, scrutiny_member)
    assert large_html.count('<th scope="row"') == 40
    assert large_html.count('<th scope="col"') == 31  # the areas' column and 30 visits
    assert small == large


def test_a_rating_edited_later_shows_at_once_on_the_live_matrix(
    client, scrutiny_member, improvement_officer, story
):
    rating = AreaRating.objects.get(visit=story["first"], area=story["supervision"])
    rating.rating = AreaRating.Rating.SOME_PROGRESS
    save_as(rating, improvement_officer)
    html = page(client, scrutiny_member, "progress:scrutiny_matrix")
    assert "Some progress" in html and "Declined" not in html


def test_a_letters_markdown_is_shown_as_headings_and_lists(client, scrutiny_member, story):
    letter = story["first"]
    letter.letter_text = "### **Headline findings**\n\n- Quicker screening\n\n<script>x</script>"
    letter.save()
    html = page(client, scrutiny_member, "progress:letter_detail", letter.pk)
    assert '<h3 class="govuk-heading-s"><strong>Headline findings</strong></h3>' in html
    assert "<li>Quicker screening</li>" in html
    assert "### **" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
