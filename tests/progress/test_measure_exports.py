"""Measures' monthly values as CSV, Excel and JSON: one row a measure and month
with its unit, target, comparators and RAG, the import's own long shape first,
text Excel will never run as a formula, councillors given shared measures only,
and the same number of queries however many values there are."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from progress.models import FeedToken

from .. import factories
from .export_data import csv_rows, queries_for, xlsx_rows, xlsx_sheet

pytestmark = pytest.mark.django_db


def export_url(file_format):
    return reverse("progress:export_measure_values", args=[file_format])


def bearer(user):
    _token, key = FeedToken.issue(user, FeedToken.Purpose.DATA_FEED)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def measures():
    published = factories.AreaOfConcernFactory(title="Assessments")
    unpublished = factories.AreaOfConcernFactory(
        title="Unpublished worry", identified_at=factories.InspectionFactory(published_on=None)
    )
    shared = factories.MeasureFactory(
        title="Children seen alone", target=Decimal("90"), areas=[published, unpublished]
    )
    internal = factories.MeasureFactory(
        title="Internal staffing figure", shareable_with_scrutiny=False, target=None
    )
    factories.MeasureValueFactory(
        measure=shared,
        period=datetime.date(2024, 1, 1),
        value=Decimal("86.5"),
        england=Decimal("79"),
        neighbours=Decimal("81.25"),
        note='=HYPERLINK("http://evil.example")',
    )
    factories.MeasureValueFactory(measure=shared, period=datetime.date(2024, 2, 1), value=90)
    factories.MeasureValueFactory(measure=internal, period=datetime.date(2024, 1, 1), value=12)
    return shared, internal


def test_the_csv_file_has_a_row_a_measure_and_month_in_the_imports_shape(team, measures):
    shared, _internal = measures
    response = team.get(export_url("csv"))
    assert response["Content-Disposition"].startswith('attachment; filename="measure-values-')
    rows = csv_rows(response)
    assert list(rows[0])[:6] == [
        "Measure", "Period", "Value", "England", "Statistical neighbours", "Note",
    ]  # fmt: skip
    assert [(row["Measure"], row["Period"]) for row in rows] == [
        ("Children seen alone", "2024-01"),
        ("Children seen alone", "2024-02"),
        ("Internal staffing figure", "2024-01"),
    ]
    first = rows[0]
    assert (first["Value"], first["England"], first["Statistical neighbours"]) == (
        "86.50", "79.00", "81.25",
    )  # fmt: skip
    assert first["Unit"] == "Percentage" and first["Target"] == "90.00"
    assert first["Higher is better"] == "Yes"
    assert [row["RAG"] for row in rows] == ["Amber", "Green", "No rating"]
    assert first["Areas of concern"] == "Assessments; Unpublished worry"
    assert first["Link"] == f"http://testserver/measures/{shared.pk}/"


def test_a_formula_in_a_note_is_neutralised_in_both_files(team, measures):
    [first, *_] = csv_rows(team.get(export_url("csv")))
    assert first["Note"] == '\'=HYPERLINK("http://evil.example")'
    [first, *_] = xlsx_rows(team.get(export_url("xlsx")))
    assert first["Note"] == '\'=HYPERLINK("http://evil.example")'


def test_the_workbook_keeps_figures_as_numbers(team, measures):
    sheet = xlsx_sheet(team.get(export_url("xlsx")))
    headings = [cell.value for cell in sheet[1]]
    value = sheet.cell(row=2, column=headings.index("Value") + 1)
    assert value.data_type == "n" and value.value == pytest.approx(86.5)


def test_a_councillor_downloads_shared_measures_and_published_areas_only(councillor, measures):
    rows = csv_rows(councillor.get(export_url("csv")))
    assert {row["Measure"] for row in rows} == {"Children seen alone"}
    assert rows[0]["Areas of concern"] == "Assessments"
    workbook = xlsx_rows(councillor.get(export_url("xlsx")))
    assert {row["Measure"] for row in workbook} == {"Children seen alone"}


def test_the_feed_gives_numbers_and_a_councillors_token_shared_measures_only(
    client, improvement_officer, scrutiny_member, measures
):
    url = reverse("progress:feed_measure_values")
    body = client.get(url, **bearer(improvement_officer)).json()
    assert body["count"] == 3
    first = body["results"][0]
    assert first["measure"] == "Children seen alone" and first["period"] == "2024-01"
    assert first["value"] == 86.5 and first["neighbours"] == 81.25 and first["target"] == 90
    assert first["rag"] == "Amber"
    shared = client.get(url, **bearer(scrutiny_member)).json()
    assert [row["measure"] for row in shared["results"]] == ["Children seen alone"] * 2


def test_the_feed_refuses_a_session_without_a_token(team):
    assert team.get(reverse("progress:feed_measure_values")).status_code == 401


def add_values(count):
    area = factories.AreaOfConcernFactory()
    for n in range(count):
        measure = factories.MeasureFactory(areas=[area])
        factories.MeasureValueFactory(measure=measure, period=datetime.date(2023, 1 + n % 12, 1))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_download_queries_do_not_grow_with_the_values(team, file_format):
    add_values(3)
    few = queries_for(team, export_url(file_format))
    add_values(30)
    assert queries_for(team, export_url(file_format)) == few


def test_the_feed_queries_do_not_grow_with_the_values(client, improvement_officer):
    headers = bearer(improvement_officer)
    url = reverse("progress:feed_measure_values")
    add_values(3)
    few = queries_for(client, url, **headers)
    add_values(30)
    assert queries_for(client, url, **headers) == few


def test_the_tokens_page_offers_the_download_and_the_feed(team):
    html = team.get(reverse("progress:token_list")).content.decode()
    assert export_url("csv") in html
    assert "/feeds/measure-values.json" in html
