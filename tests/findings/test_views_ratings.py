"""Rating each area's progress at a visit, on one page, saved together or not at all."""

from unittest import mock

import pytest
from django.urls import reverse

from findings.forms import VisitRatingsForm
from findings.models import AreaRating
from tests import factories
from tests.inspections.page_checks import error_messages, history_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit():
    visit = factories.VisitFactory()
    for position, title in enumerate(["Front door", "Assessments", "Oversight"], start=1):
        area = factories.AreaOfConcernFactory(identified_at=visit.follows, title=title)
        factories.VisitAreaFactory(visit=visit, area=area, position=position)
    return visit


def ratings_data(visit, *ratings):
    data = {}
    for area, rating in zip(visit.ordered_areas(), ratings, strict=False):
        if rating:
            data[f"rating_{area.pk}"] = rating
        data[f"commentary_{area.pk}"] = f"About {area.title}"
    return data


def url(visit):
    return reverse("findings:visit_ratings", args=[visit.pk])


def test_it_creates_a_rating_for_each_area_naming_the_person(team, visit, improvement_officer):
    response = team.post(url(visit), ratings_data(visit, "improved", "no_change", "declined"))
    assert response.url == visit.get_absolute_url() + "#areas-covered"
    saved = {(r.area.title, r.rating, r.commentary) for r in visit.area_ratings.all()}
    assert saved == {
        ("Front door", "improved", "About Front door"),
        ("Assessments", "no_change", "About Assessments"),
        ("Oversight", "declined", "About Oversight"),
    }
    assert {row.history_user for row in AreaRating.history.all()} == {improvement_officer}


def test_it_asks_in_letter_order(team, visit):
    form = team.get(url(visit)).context["form"]
    labels = [str(form.fields[f"rating_{area.pk}"].label) for area in visit.ordered_areas()]
    assert labels == ["1. Front door", "2. Assessments", "3. Oversight"]


def test_it_updates_an_existing_rating(team, visit, improvement_officer):
    front_door = visit.ordered_areas()[0]
    rating = factories.AreaRatingFactory(visit=visit, area=front_door, rating="declined")
    team.post(url(visit), ratings_data(visit, "improved", "no_change", "no_change"))
    rating.refresh_from_db()
    assert rating.rating == "improved"
    assert rating.history.latest().history_user == improvement_officer
    assert visit.area_ratings.count() == 3


def test_it_leaves_an_unchanged_rating_without_new_history(team, visit):
    front_door = visit.ordered_areas()[0]
    factories.AreaRatingFactory(
        visit=visit, area=front_door, rating="improved", commentary="About Front door"
    )
    before = AreaRating.history.filter(area_id=front_door.pk).count()
    team.post(url(visit), ratings_data(visit, "improved", "no_change", "no_change"))
    assert AreaRating.history.filter(area_id=front_door.pk).count() == before


def test_it_shows_the_existing_rating_in_the_form(team, visit):
    front_door = visit.ordered_areas()[0]
    factories.AreaRatingFactory(visit=visit, area=front_door, rating="declined")
    form = team.get(url(visit)).context["form"]
    assert form[f"rating_{front_door.pk}"].initial == "declined"


def test_it_refuses_a_missing_rating_and_saves_none(team, visit):
    before = history_rows()
    response = team.post(url(visit), ratings_data(visit, "improved", None, "declined"))
    assert "Choose a rating for Assessments" in error_messages(response)
    assert (AreaRating.objects.count(), history_rows()) == (0, before)


def test_it_refuses_a_rating_off_the_list(team, visit):
    response = team.post(url(visit), ratings_data(visit, "improved", "brilliant", "declined"))
    assert error_messages(response)
    assert not AreaRating.objects.exists()


def test_it_keeps_none_when_one_rating_fails_to_save(visit, improvement_officer):
    form = VisitRatingsForm(
        data=ratings_data(visit, "improved", "no_change", "declined"),
        visit=visit,
        user=improvement_officer,
    )
    assert form.is_valid(), form.errors
    original, calls = AreaRating.save, []

    def fail_on_the_third(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return original(self, *args, **kwargs)

    before = history_rows()
    with mock.patch.object(AreaRating, "save", fail_on_the_third), pytest.raises(RuntimeError):
        form.save()
    assert (AreaRating.objects.count(), history_rows()) == (0, before)


def test_it_says_there_is_nothing_to_rate_without_areas(team):
    visit = factories.VisitFactory()
    response = team.get(url(visit))
    assert "nothing to rate yet" in response.content.decode()


def test_it_refuses_a_senior_leader(client, senior_leader, visit):
    client.force_login(senior_leader)
    assert client.post(url(visit), ratings_data(visit, "improved")).status_code == 403
    assert not AreaRating.objects.exists()


def test_it_escapes_area_titles_in_its_labels(team):
    visit = factories.VisitFactory()
    area = factories.AreaOfConcernFactory(identified_at=visit.follows, title="<b>Bold</b> claim")
    factories.VisitAreaFactory(visit=visit, area=area, position=1)
    content = team.post(url(visit), {}).content.decode()
    assert "<b>Bold</b>" not in content
    assert "&lt;b&gt;Bold&lt;/b&gt; claim" in content
