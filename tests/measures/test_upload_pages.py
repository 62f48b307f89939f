"""Uploading a file of figures through the pages: who may, every kind of bad file
refused with its messages in the error summary and nothing saved, the review of
new, changed and unchanged figures, and the Confirm button saving exactly what was
reviewed, or, if the figures moved meanwhile, nothing until the new review."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from measures import upload_store
from measures.models import MeasureValue, Unit
from tests import factories

from .figure_files import csv_bytes, next_month, xlsx_bytes, xlsx_with_stored_formula
from .figure_pages import assert_refused, error_links, text_of

pytestmark = pytest.mark.django_db

UPLOAD, REVIEW = "/measures/figures/upload/", "/measures/figures/review/"
MARCH = datetime.date(2024, 3, 1)


@pytest.fixture
def seen_alone(action_owner):
    return factories.MeasureFactory(title="% of children seen alone", owner=action_owner)


@pytest.fixture
def caseload():
    return factories.MeasureFactory(
        title="Average social work caseload", unit=Unit.NUMBER, higher_is_better=False
    )


def upload(client, data, name="figures.csv"):
    return client.post(UPLOAD, {"figures": SimpleUploadedFile(name, data)})


def confirm(client, review):
    """Press the review page's Save button, as it was drawn."""
    return client.post(
        REVIEW, {"token": review.context["held"].token, "digest": review.context["digest"]}
    )


def refused_with(response, messages):
    assert_refused(response)
    assert error_links(response) == [("#id_figures", message) for message in messages]


# Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["senior_leader", "scrutiny_member"])
def test_senior_leaders_and_councillors_are_refused_every_page(client, request, who, caseload):
    client.force_login(request.getfixturevalue(who))
    data = csv_bytes("measure,period,value\nAverage social work caseload,2024-03,17")

    assert client.get(UPLOAD).status_code == 403
    assert upload(client, data).status_code == 403
    assert client.get(REVIEW).status_code == 403
    assert client.post(REVIEW, {"token": "x", "digest": "y"}).status_code == 403
    assert not MeasureValue.objects.exists()


def test_an_officer_uploads_the_figures_of_the_measures_they_supply(
    client, action_owner, seen_alone
):
    client.force_login(action_owner)
    response = upload(
        client, csv_bytes("measure,period,value\n% of children seen alone,2024-03,81")
    )
    assert response.status_code == 302

    saved = confirm(client, client.get(REVIEW))

    assert saved.url == "/measures/figures/"
    value = MeasureValue.objects.get()
    assert value.value == Decimal("81.00") and value.entered_by == action_owner
    assert value.history.get().history_user == action_owner


def test_an_officer_who_names_a_measure_they_do_not_supply_is_refused_whole(
    client, action_owner, seen_alone, caseload
):
    client.force_login(action_owner)
    data = csv_bytes(
        """
measure,period,value
% of children seen alone,2024-03,81
Average social work caseload,2024-03,17
"""
    )

    response = upload(client, data)

    refused_with(
        response,
        [
            "Row 3: you do not supply \u201cAverage social work caseload\u201d, so you cannot "
            "enter its figures"
        ],
    )
    assert not MeasureValue.objects.exists()
    assert upload_store.held_file(response.wsgi_request.session) is None


# Bad files ----------------------------------------------------------------------------------


def test_every_bad_row_is_shown_with_its_row_number_and_nothing_is_saved(
    team, seen_alone, caseload
):
    future = next_month()
    data = csv_bytes(
        f"""
measure,period,value
% of children seen alone,2024-01,eighty
Nobody's measure,2024-01,5
% of children seen alone,2024-13,5
% of children seen alone,2024-02,101
% of children seen alone,{future:%Y-%m},50
% of children seen alone,2024-03,50
% of children seen alone,2024-03,51
"""
    )

    response = upload(team, data)

    refused_with(
        response,
        [
            "Row 2: the value \u201ceighty\u201d is not a number",
            "Row 3: there is no measure called \u201cNobody's measure\u201d",
            "Row 4: \u201c2024-13\u201d is not a month: write it as YYYY-MM, such as 2024-03",
            "Row 5: the value is a percentage, so it must be between 0 and 100",
            f"Row 6: {future:%B %Y} is in the future",
            "Row 8: % of children seen alone for March 2024 is given again (row 7 gives it too)",
        ],
    )
    # Each message also stands above the file box, which is marked as in error.
    html = response.content.decode()
    assert 'class="govuk-file-upload govuk-file-upload--error"' in html
    assert html.count('<p class="govuk-error-message">') == 6
    assert not MeasureValue.objects.exists()
    assert upload_store.held_file(response.wsgi_request.session) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (xlsx_bytes([]), "The sheet \u201cFigures\u201d is empty"),
        (
            xlsx_bytes(
                [["measure", "period", "value"], ["% of children seen alone", "2024-01", "=40+41"]]
            ),
            "Cell C2 holds a formula with no stored value: open the file in Excel so that it "
            "calculates, save it and upload it again",
        ),
        (b"%PDF-1.7\x00\x01binary", "The file must be a CSV file or an Excel workbook (.xlsx)"),
    ],
    ids=["empty-file", "empty-sheet", "formula-never-calculated", "not-a-spreadsheet"],
)
def test_a_file_that_cannot_be_read_is_refused_with_what_to_do(team, seen_alone, data, message):
    refused_with(upload(team, data, name="figures.xlsx"), [message])
    assert not MeasureValue.objects.exists()


def test_choosing_no_file_is_refused(team):
    refused_with(team.post(UPLOAD, {}), ["Choose a CSV file or an Excel workbook to upload"])


@override_settings(MEASURES_IMPORT_MAX_BYTES=100)
def test_a_file_over_the_size_limit_is_refused_and_the_page_gives_the_limit(team, seen_alone):
    data = csv_bytes("measure,period,value\n" + "% of children seen alone,2024-01,80\n" * 10)

    response = upload(team, data)

    refused_with(response, ["The file must be smaller than 1KB"])
    assert "smaller than 1KB" in text_of(team.get(UPLOAD))
    assert not MeasureValue.objects.exists()


def test_a_long_list_of_problems_shows_twenty_and_counts_the_rest(team, seen_alone):
    rows = "\n".join(
        f"% of children seen alone,20{20 + n // 12}-{n % 12 + 1:02},x" for n in range(24)
    )

    response = upload(team, csv_bytes("measure,period,value\n" + rows))

    links = error_links(response)
    assert len(links) == 21
    assert links[-1] == ("#id_figures", "And 4 more problems: put those right too")


def test_the_upload_page_shows_both_shapes_and_the_size_limit(team):
    text = text_of(team.get(UPLOAD))
    assert "smaller than 2MB" in text
    assert "measure period value england neighbours note" in text
    assert "measure 2024-01 2024-02 2024-03" in text


# Review and confirm -------------------------------------------------------------------------


def test_a_formula_is_read_as_the_value_excel_stored_for_it(team, improvement_officer, seen_alone):
    upload(team, xlsx_with_stored_formula("=40+41.5", "81.5"), name="figures.xlsx")
    confirm(team, team.get(REVIEW))
    assert MeasureValue.objects.get().value == Decimal("81.50")


def test_the_review_lists_new_changed_and_unchanged_figures_then_saves_them(
    team, improvement_officer, seen_alone, caseload
):
    factories.MeasureValueFactory(measure=seen_alone, period=MARCH, value=Decimal("80"))
    factories.MeasureValueFactory(measure=caseload, period=MARCH, value=Decimal("17"))
    data = xlsx_bytes(
        [
            ["Measure", "2024-03", "2024-04", "2024-05"],
            ["% of children seen alone", 82.5, 83, 84],
            ["Average social work caseload", 17, None, None],
        ]
    )
    history_before = MeasureValue.history.count()
    assert upload(team, data, name="march.xlsx").url == REVIEW

    review = team.get(REVIEW)

    text = text_of(review)
    assert "march.xlsx" in text
    assert (
        "Saving this file adds 2 figures and changes 1 figure; 1 figure is already recorded "
        "as the file gives it." in text
    )
    assert (
        "Figures that change % of children seen alone 1 month, March 2024 Figures that "
        "change: % of children seen alone, by month Month What changes March 2024 value 80 → 82.5"
        in text
    )
    assert "New figures % of children seen alone 2 months, April 2024 to May 2024" in text
    assert "April 2024 value 83 May 2024 value 84" in text
    assert (
        "Figures already recorded as the file gives them Average social work caseload "
        "1 month, March 2024" in text
    )
    # Nothing is saved by looking.
    assert MeasureValue.history.count() == history_before

    saved = confirm(team, review)

    assert saved.url == "/measures/"
    assert "march.xlsx: 2 figures added, 1 figure changed" in text_of(team.get(saved.url))
    figures = {
        (v.measure_id, v.period): v.value for v in MeasureValue.objects.filter(measure=seen_alone)
    }
    assert figures == {
        (seen_alone.pk, MARCH): Decimal("82.50"),
        (seen_alone.pk, datetime.date(2024, 4, 1)): Decimal("83.00"),
        (seen_alone.pk, datetime.date(2024, 5, 1)): Decimal("84.00"),
    }
    rows = MeasureValue.history.filter(history_user=improvement_officer)
    assert sorted(r.history_type for r in rows) == ["+", "+", "~"]
    assert {r.history_change_reason for r in rows} == {"From march.xlsx"}
    assert MeasureValue.history.count() == history_before + 3
    # The held file is gone with its confirmation.
    assert not default_storage.exists(review.context["held"].stored_name)


def test_figures_changed_since_the_review_are_not_saved_until_reviewed_again(
    team, senior_leader, seen_alone
):
    value = factories.MeasureValueFactory(measure=seen_alone, period=MARCH, value=Decimal("80"))
    upload(team, csv_bytes("measure,period,value\n% of children seen alone,2024-03,82"))
    review = team.get(REVIEW)
    assert "value 80 → 82" in text_of(review)
    value.value = Decimal("81")
    value.save()

    moved = confirm(team, review)

    assert moved.status_code == 200
    text = text_of(moved)
    assert "Nothing was saved: someone changed the recorded figures" in text
    assert "value 81 → 82" in text
    assert MeasureValue.objects.get().value == Decimal("81.00")
    # The new review's button saves what it now shows.
    confirm(team, moved)
    assert MeasureValue.objects.get().value == Decimal("82.00")


def test_a_review_left_open_after_another_upload_saves_nothing(team, seen_alone):
    upload(team, csv_bytes("measure,period,value\n% of children seen alone,2024-03,82"))
    first = team.get(REVIEW)
    upload(team, csv_bytes("measure,period,value\n% of children seen alone,2024-04,70"))

    response = confirm(team, first)

    assert response.url == f"{UPLOAD}?file=replaced"
    assert "replaced by a newer upload" in text_of(team.get(response.url))
    assert not MeasureValue.objects.exists()


def test_a_digest_the_review_did_not_show_saves_nothing(team, seen_alone):
    upload(team, csv_bytes("measure,period,value\n% of children seen alone,2024-03,82"))
    review = team.get(REVIEW)

    response = team.post(REVIEW, {"token": review.context["held"].token, "digest": "0" * 64})

    assert "Nothing was saved" in text_of(response)
    assert not MeasureValue.objects.exists()


def test_the_review_with_no_file_waiting_sends_the_person_to_upload_one(team):
    response = team.get(REVIEW)
    assert response.url == f"{UPLOAD}?file=missing"
    assert "There is no file waiting for review" in text_of(team.get(response.url))
    assert team.post(REVIEW, {"token": "x", "digest": "y"}).url == f"{UPLOAD}?file=missing"


def test_a_held_file_changed_on_disk_is_not_saved(team, seen_alone):
    upload(team, csv_bytes("measure,period,value\n% of children seen alone,2024-03,82"))
    review = team.get(REVIEW)
    held = review.context["held"]
    default_storage.delete(held.stored_name)
    default_storage.save(held.stored_name, SimpleUploadedFile("x", b"measure,period,value\n"))

    response = confirm(team, review)

    assert response.url == f"{UPLOAD}?file=missing"
    assert not MeasureValue.objects.exists()


def test_a_file_refused_when_confirmed_is_shown_on_the_upload_page(team, seen_alone):
    upload(team, csv_bytes("measure,period,value\n% of children seen alone,2024-03,82"))
    review = team.get(REVIEW)
    seen_alone.title = "Renamed"
    seen_alone.save()

    response = confirm(team, review)

    refused_with(
        response, ["Row 2: there is no measure called \u201c% of children seen alone\u201d"]
    )
    assert "can no longer be saved as it stands" in text_of(response)
    assert not MeasureValue.objects.exists()


def test_files_abandoned_for_a_day_are_removed_by_a_later_upload(team, seen_alone):
    import os
    import time

    old = default_storage.save(f"{upload_store.FOLDER}/abandoned", SimpleUploadedFile("a", b"x"))
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(default_storage.path(old), (day_ago, day_ago))

    response = upload(team, csv_bytes("measure,period,value\n% of children seen alone,2024-03,82"))

    assert not default_storage.exists(old)
    assert default_storage.exists(upload_store.held_file(response.wsgi_request.session).stored_name)


def test_the_list_of_measures_offers_the_upload_to_those_who_may(team, client, scrutiny_member):
    assert f'href="{UPLOAD}"' in team.get("/measures/").content.decode()
    client.force_login(scrutiny_member)
    assert UPLOAD not in client.get("/measures/").content.decode()


def test_the_reviews_query_count_does_not_grow_with_the_file(team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def review_queries(count):
        measures = [factories.MeasureFactory() for _ in range(count)]
        rows = [["Measure", "2024-01", "2024-02"]] + [[m.title, 80, 81] for m in measures]
        factories.MeasureValueFactory(measure=measures[0], period=datetime.date(2024, 1, 1))
        upload(team, xlsx_bytes(rows), name="figures.xlsx")
        with CaptureQueriesContext(connection) as captured:
            assert team.get(REVIEW).status_code == 200
        return len(captured)

    assert review_queries(2) == review_queries(15)


def test_the_review_says_when_the_figures_are_illustrative(team):
    from measures.figures import ILLUSTRATIVE_SOURCE

    factories.MeasureFactory(title="Demo figure", source=ILLUSTRATIVE_SOURCE)
    upload(team, csv_bytes("measure,period,value\nDemo figure,2024-03,82"))
    assert "These are illustrative figures" in text_of(team.get(REVIEW))
