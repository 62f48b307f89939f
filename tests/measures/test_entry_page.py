"""The page for one month's figures: who may use it and for which measures, and
what it saves: only what changed, in one go, each change in history under the
person's name, a figure cleared removed (tests/measures/test_entry_page_refusals.py
has what it refuses)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.models import MeasureValue
from measures.trends import months_before
from tests import factories

from .figure_pages import row, text_of

pytestmark = pytest.mark.django_db

URL = "/measures/figures/"
MARCH = datetime.date(2024, 3, 1)


def test_the_team_sees_every_measure_with_the_months_figures_filled_in(team, seen_alone, caseload):
    factories.MeasureValueFactory(
        measure=caseload, period=MARCH, value=Decimal("17.50"), england=16, note="Agency staff"
    )

    response = team.get(URL, {"month": "2024-03"})

    assert response.status_code == 200
    html = response.content.decode()
    box = 'id="id_{0}_{1}" name="{0}_{1}" type="text" inputmode="decimal" spellcheck="false"'
    assert box.format("value", caseload.pk) + ' value="17.5"' in html
    assert box.format("england", caseload.pk) + ' value="16"' in html
    assert 'value="Agency staff"' in html
    text = text_of(response)
    assert "Figures for March 2024" in text
    assert (
        "Children seen alone Percentage, target 90%, higher is better. No figure recorded" in text
    )
    assert "Average caseload Number, target 18, lower is better." in text


def test_it_opens_on_last_month(team, seen_alone):
    response = team.get(URL)
    last_month = months_before(datetime.date.today().replace(day=1), 1)
    assert response.context["period"] == last_month


def test_an_officer_sees_only_the_measures_they_supply(client, action_owner, seen_alone, caseload):
    client.force_login(action_owner)

    response = client.get(URL, {"month": "2024-03"})

    assert response.status_code == 200
    assert [m.title for m in response.context["form"].measures] == ["Children seen alone"]
    assert "Average caseload" not in response.content.decode()


def test_an_officer_who_posts_a_measure_they_do_not_supply_is_refused(
    client, action_owner, seen_alone, caseload
):
    client.force_login(action_owner)

    response = client.post(
        URL, {"month": "2024-03", **row(seen_alone, "80"), **row(caseload, "12")}
    )

    assert response.status_code == 403
    assert not MeasureValue.objects.exists()


def test_an_officer_who_supplies_nothing_is_refused(client, action_owner, caseload):
    client.force_login(action_owner)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"month": "2024-03", **row(caseload, "12")}).status_code == 403
    assert not MeasureValue.objects.exists()


@pytest.mark.parametrize("who", ["senior_leader", "scrutiny_member"])
def test_senior_leaders_and_councillors_are_refused(client, request, who, caseload):
    client.force_login(request.getfixturevalue(who))

    assert client.get(URL).status_code == 403
    assert client.get(URL, {"month": "2024-03"}).status_code == 403
    assert client.post(URL, {"month": "2024-03", **row(caseload, "12")}).status_code == 403
    assert not MeasureValue.objects.exists()


def test_a_councillor_named_as_a_measures_supplier_still_writes_nothing(
    client, scrutiny_member, caseload
):
    # Saved past the form's check, as a mistaken admin edit might leave it.
    type(caseload).objects.filter(pk=caseload.pk).update(owner=scrutiny_member)
    client.force_login(scrutiny_member)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"month": "2024-03", **row(caseload, "12")}).status_code == 403
    assert not MeasureValue.objects.exists()


def test_it_saves_only_what_changed_each_change_named_for_the_person(
    team, improvement_officer, seen_alone, caseload
):
    unchanged = factories.MeasureFactory(title="Audits good or better")
    factories.MeasureValueFactory(measure=caseload, period=MARCH, value=Decimal("17.5"))
    factories.MeasureValueFactory(measure=unchanged, period=MARCH, value=Decimal("60"))
    page = team.get(URL, {"month": "2024-03"})
    history_before = MeasureValue.history.count()

    response = team.post(
        URL,
        {
            "month": "2024-03",
            **row(seen_alone, "82.5", "78", "79.25", "Audit week", page=page),
            **row(caseload, "16", page=page),
            **row(unchanged, "60", page=page),
        },
        follow=True,
    )

    assert "March 2024: 1 figure added, 1 figure corrected" in text_of(response)
    saved = {v.measure.title: v for v in MeasureValue.objects.filter(period=MARCH)}
    new = saved["Children seen alone"]
    assert (new.value, new.england, new.neighbours, new.note) == (
        Decimal("82.50"),
        Decimal("78.00"),
        Decimal("79.25"),
        "Audit week",
    )
    assert new.entered_by == improvement_officer
    assert saved["Average caseload"].value == Decimal("16.00")
    rows = MeasureValue.history.filter(history_user=improvement_officer)
    assert sorted((r.measure_id, r.history_type) for r in rows) == sorted(
        [(seen_alone.pk, "+"), (caseload.pk, "~")]
    )
    assert MeasureValue.history.count() == history_before + 2


def test_saving_nothing_changed_says_so_and_writes_no_history(team, caseload):
    factories.MeasureValueFactory(measure=caseload, period=MARCH, value=Decimal("17.5"))
    page = team.get(URL, {"month": "2024-03"})
    before = MeasureValue.history.count()

    response = team.post(
        URL, {"month": "2024-03", **row(caseload, "17.50", page=page)}, follow=True
    )

    assert "No figures were changed for March 2024" in text_of(response)
    assert MeasureValue.history.count() == before


def test_an_officer_saves_the_figures_of_a_measure_they_supply(client, action_owner, seen_alone):
    client.force_login(action_owner)
    page = client.get(URL, {"month": "2024-03"})

    client.post(URL, {"month": "2024-03", **row(seen_alone, "71", page=page)})

    value = MeasureValue.objects.get(measure=seen_alone, period=MARCH)
    assert value.value == Decimal("71.00")
    assert value.history.get().history_user == action_owner


def test_clearing_the_england_figure_removes_it_and_keeps_the_value(team, caseload):
    factories.MeasureValueFactory(measure=caseload, period=MARCH, value=Decimal("17"), england=15)
    page = team.get(URL, {"month": "2024-03"})

    team.post(URL, {"month": "2024-03", **row(caseload, "17", page=page)})

    value = MeasureValue.objects.get(measure=caseload, period=MARCH)
    assert (value.value, value.england) == (Decimal("17.00"), None)


def test_clearing_a_whole_row_removes_the_months_figure_and_history_keeps_it(
    team, improvement_officer, caseload
):
    factories.MeasureValueFactory(measure=caseload, period=MARCH, value=Decimal("17"), note="Typo")
    page = team.get(URL, {"month": "2024-03"})
    assert "To remove a month’s figure entered by mistake, clear its value" in text_of(page)

    response = team.post(URL, {"month": "2024-03", **row(caseload, page=page)}, follow=True)

    assert "March 2024: 1 figure removed" in text_of(response)
    assert not MeasureValue.objects.filter(measure=caseload).exists()
    removal = MeasureValue.history.get(history_type="-")
    assert (removal.value, removal.note, removal.history_user) == (
        Decimal("17.00"),
        "Typo",
        improvement_officer,
    )


def test_the_list_of_measures_leads_the_team_to_the_page_and_the_menu_leads_an_officer(
    team, client, action_owner, seen_alone
):
    assert f'href="{URL}"' in team.get("/measures/").content.decode()
    client.force_login(action_owner)
    home = client.get("/").content.decode()
    assert f'href="{URL}"' in home and "Enter figures" in home


def test_a_councillor_sees_no_way_to_enter_figures(client, scrutiny_member, caseload):
    client.force_login(scrutiny_member)
    assert URL not in client.get("/measures/").content.decode()


def test_its_query_count_does_not_grow_with_the_measures(team):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert team.get(URL, {"month": "2024-03"}).status_code == 200
        return len(captured)

    for _ in range(3):
        measure = factories.MeasureFactory()
        factories.MeasureValueFactory(measure=measure, period=MARCH)
    few = count()
    for _ in range(20):
        measure = factories.MeasureFactory()
        factories.MeasureValueFactory(measure=measure, period=MARCH)
    assert count() == few


def test_the_page_opened_on_its_own_month_saves_that_month(team, caseload):
    page = team.get(URL)
    month = page.context["month_value"]
    assert f'<input type="hidden" name="month" value="{month}">' in page.content.decode()

    team.post(URL, {"month": month, **row(caseload, "15", page=page)})

    assert MeasureValue.objects.get().period == page.context["period"]


def test_the_demonstrations_figures_are_said_to_be_illustrative(team):
    from measures.figures import ILLUSTRATIVE_SOURCE

    factories.MeasureFactory(title="Demo figure", source=ILLUSTRATIVE_SOURCE)
    assert "These are illustrative figures" in text_of(team.get(URL))


def test_many_measures_come_a_page_at_a_time_and_each_page_saves_its_own(team, monkeypatch):
    from measures import entry_views

    monkeypatch.setattr(entry_views, "MEASURES_PER_PAGE", 2)
    first, second, third = (factories.MeasureFactory(title=f"Measure {n}") for n in "ABC")
    page = team.get(URL, {"month": "2024-03", "page": 2})
    assert [m.title for m in page.context["form"].measures] == ["Measure C"]
    assert '<input type="hidden" name="page" value="2">' in page.content.decode()

    response = team.post(URL, {"month": "2024-03", "page": "2", **row(third, "50", page=page)})

    assert response.url == f"{URL}?month=2024-03&page=2"
    assert MeasureValue.objects.get().measure == third
    # Sent back with an error, its page links keep to its month.
    refused = team.post(
        f"{URL}?month=2024-03",
        {"month": "2024-03", "page": "2", **row(third, "lots", page=page)},
    )
    assert 'href="?month=2024-03&amp;page=1"' in refused.content.decode()


def test_a_clash_with_someone_saving_at_the_same_moment_saves_nothing_and_says_so(
    team, monkeypatch
):
    from django.db import IntegrityError

    from measures import entry_views

    measure = factories.MeasureFactory(title="Measure A")
    page = team.get(URL, {"month": "2024-03"})

    def clash(plan, user, reason=""):
        # What the database says when another request added the month's value
        # between this page's read and its insert (a new row: nothing to lock).
        raise IntegrityError("measure_value_one_per_month")

    monkeypatch.setattr(entry_views, "save_plan", clash)
    response = team.post(URL, {"month": "2024-03", **row(measure, "50", page=page)})

    assert response.status_code == 200
    assert "Someone else saved figures for this month at the same moment" in text_of(response)
    assert "<title>Error: " in response.content.decode()
    assert not MeasureValue.objects.exists()
