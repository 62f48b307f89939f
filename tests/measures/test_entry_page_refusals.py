"""The page for one month's figures refuses every bad entry with its message
linked to its box and saves nothing, and never undoes a change it did not show."""

import datetime
from decimal import Decimal

import pytest

from measures.models import MeasureValue
from tests import factories

from .figure_files import next_month
from .figure_pages import assert_refused, error_links, row

pytestmark = pytest.mark.django_db

URL = "/measures/figures/"
MARCH = datetime.date(2024, 3, 1)


def test_a_value_cleared_with_its_note_kept_is_refused(team, caseload):
    factories.MeasureValueFactory(measure=caseload, period=MARCH, value=Decimal("17"), note="Kept")
    page = team.get(URL, {"month": "2024-03"})

    response = team.post(URL, {"month": "2024-03", **row(caseload, note="Kept", page=page)})

    assert_refused(response)
    assert error_links(response) == [
        (
            f"#id_value_{caseload.pk}",
            "Average caseload: enter the value, or clear the England and neighbours "
            "figures and the note as well",
        )
    ]
    assert MeasureValue.objects.get(measure=caseload).value == Decimal("17.00")


BAD_ROWS = [
    pytest.param({"value": "lots"}, "value", "the value “lots” is not a number", id="not-a-number"),
    pytest.param(
        {"value": "80", "england": "n/a"},
        "england",
        "the England figure “n/a” is not a number",
        id="england-not-a-number",
    ),
    pytest.param(
        {"value": "101"},
        "value",
        "the value is a percentage, so it must be between 0 and 100",
        id="percentage-over-100",
    ),
    pytest.param(
        {"value": "80", "neighbours": "-1"},
        "neighbours",
        "the neighbours figure is a percentage, so it must be between 0 and 100",
        id="percentage-below-0",
    ),
    pytest.param(
        {"value": "80", "note": "x" * 2001},
        "note",
        "the note must be 2,000 characters or fewer",
        id="note-too-long",
    ),
]


@pytest.mark.parametrize(("given", "field", "message"), BAD_ROWS)
def test_a_bad_entry_is_refused_with_its_message_linked_to_its_box_and_nothing_saved(
    team, seen_alone, caseload, given, field, message
):
    page = team.get(URL, {"month": "2024-03"})
    history_before = MeasureValue.history.count()

    response = team.post(
        URL,
        {
            "month": "2024-03",
            **row(seen_alone, **given, page=page),
            # A good row beside the bad one is not saved either.
            **row(caseload, "15", page=page),
        },
    )

    assert_refused(response)
    assert error_links(response) == [
        (f"#id_{field}_{seen_alone.pk}", f"Children seen alone: {message}")
    ]
    width = "" if field == "note" else " govuk-input--width-5"
    marked = f'class="govuk-input{width} govuk-input--error" id="id_{field}_{seen_alone.pk}"'
    assert marked in response.content.decode()
    assert not MeasureValue.objects.exists()
    assert MeasureValue.history.count() == history_before
    # What was typed is given back to be put right.
    assert response.context["form"][f"value_{caseload.pk}"].value() == "15"


def test_a_negative_number_is_refused_for_a_measure_counted_in_numbers(team, caseload):
    response = team.post(URL, {"month": "2024-03", **row(caseload, "-3")})
    assert_refused(response)
    assert error_links(response) == [
        (f"#id_value_{caseload.pk}", "Average caseload: the value must be 0 or more")
    ]
    assert not MeasureValue.objects.exists()


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2024-13", "“2024-13” is not a month: choose one from the list"),
        (
            f"{next_month():%Y-%m}",
            f"{next_month():%B %Y} is in the future: choose this month or an earlier one",
        ),
    ],
    ids=["month-13", "future-month"],
)
def test_a_month_that_cannot_have_figures_is_refused(team, caseload, month, message):
    for response in (
        team.get(URL, {"month": month}),
        team.post(URL, {"month": month, **row(caseload, "15")}),
    ):
        assert_refused(response)
        assert error_links(response) == [("#id_month", message)]
        assert response.context["form"] is None
    assert not MeasureValue.objects.exists()


def test_a_change_made_by_someone_else_since_the_page_opened_is_not_undone(
    team, caseload, senior_leader
):
    value = factories.MeasureValueFactory(measure=caseload, period=MARCH, value=Decimal("17"))
    page = team.get(URL, {"month": "2024-03"})
    value.value = Decimal("19")
    value.save()

    response = team.post(URL, {"month": "2024-03", **row(caseload, "16", page=page)})

    assert_refused(response)
    ((href, message),) = error_links(response)
    assert href == f"#id_value_{caseload.pk}"
    assert message.startswith(
        "Average caseload: someone else has changed its figures for March 2024 since you "
        "opened this page"
    )
    # The row now shows what is recorded, and saving it again is accepted.
    form = response.context["form"]
    assert form[f"value_{caseload.pk}"].value() == "19"
    assert MeasureValue.objects.get(pk=value.pk).value == Decimal("19.00")
    team.post(URL, {"month": "2024-03", **row(caseload, "16", page=response)})
    assert MeasureValue.objects.get(pk=value.pk).value == Decimal("16.00")


def test_a_row_left_as_it_was_is_no_clash_when_someone_else_changed_it(team, caseload):
    value = factories.MeasureValueFactory(measure=caseload, period=MARCH, value=Decimal("17"))
    page = team.get(URL, {"month": "2024-03"})
    value.value = Decimal("19")
    value.save()

    # The person typed what is now recorded: nothing to save, nothing undone.
    response = team.post(URL, {"month": "2024-03", **row(caseload, "19", page=page)})

    assert response.status_code == 302
    assert MeasureValue.objects.get(pk=value.pk).value == Decimal("19.00")
