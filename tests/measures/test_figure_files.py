"""Reading a file of monthly figures: both shapes from CSV and XLSX, and every kind
of bad file refused whole with messages that say where the problem is."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from accounts.roles import IMPROVEMENT_TEAM
from measures.figures_file import FileRefused
from measures.figures_import import LONG, WIDE, plan_from_file
from measures.figures_plan import CHANGED, NEW, UNCHANGED
from measures.models import Unit
from tests import factories

from .figure_files import csv_bytes, next_month, xlsx_bytes, xlsx_with_stored_formula

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return factories.UserFactory(role=IMPROVEMENT_TEAM)


@pytest.fixture
def seen_alone():
    return factories.MeasureFactory(title="% of children seen alone", unit=Unit.PERCENTAGE)


@pytest.fixture
def caseload():
    return factories.MeasureFactory(
        title="Average social work caseload", unit=Unit.NUMBER, higher_is_better=False
    )


def refusal(data, user):
    with pytest.raises(FileRefused) as refused:
        plan_from_file(data, user)
    return refused.value.messages


def figures(plan):
    return {(line.measure.title, line.period): line.figure.given for line in plan.lines}


def test_it_reads_the_long_shape_from_csv_with_excels_byte_order_mark(officer, seen_alone):
    data = csv_bytes(
        """
Measure,Period,Value,England,Neighbours,Note
% of children seen alone,2024-01,81.5,78,79.25,Audit week
% OF CHILDREN SEEN ALONE,2024-02,82,,,
""",
        bom=True,
    )
    plan = plan_from_file(data, officer)

    assert plan.shape == LONG
    assert figures(plan) == {
        ("% of children seen alone", datetime.date(2024, 1, 1)): {
            "value": Decimal("81.50"),
            "england": Decimal("78.00"),
            "neighbours": Decimal("79.25"),
            "note": "Audit week",
        },
        ("% of children seen alone", datetime.date(2024, 2, 1)): {"value": Decimal("82.00")},
    }


def test_a_measure_may_be_named_by_its_number_and_the_columns_come_in_any_order(officer, caseload):
    data = csv_bytes(f"value,measure,period\n17.4,{caseload.pk},2024-03")
    plan = plan_from_file(data, officer)
    assert figures(plan) == {
        ("Average social work caseload", datetime.date(2024, 3, 1)): {"value": Decimal("17.40")}
    }


def test_it_reads_the_wide_shape_with_months_written_as_excel_and_power_bi_write_them(
    officer, seen_alone, caseload
):
    data = csv_bytes(
        """
Measure,2024-01,Feb 2024,March 2024
% of children seen alone,80,81.5,
Average social work caseload,18,"17",16.5%
"""
    )
    plan = plan_from_file(data, officer)
    assert plan.shape == WIDE
    got = figures(plan)
    assert got[("% of children seen alone", datetime.date(2024, 2, 1))] == {
        "value": Decimal("81.50")
    }
    assert ("% of children seen alone", datetime.date(2024, 3, 1)) not in got  # left empty
    assert got[("Average social work caseload", datetime.date(2024, 3, 1))] == {
        "value": Decimal("16.50")
    }
    assert len(got) == 5


def test_it_reads_the_long_shape_from_a_workbook_with_dates_and_percent_cells(officer, seen_alone):
    data = xlsx_bytes(
        [
            ["measure", "period", "value", "england"],
            ["% of children seen alone", datetime.datetime(2024, 4, 1), 0.825, 78],
            ["% of children seen alone", "2024-05", 83.25, None],
        ],
        formats={"C2": "0.0%"},
    )
    plan = plan_from_file(data, officer)
    assert figures(plan) == {
        ("% of children seen alone", datetime.date(2024, 4, 1)): {
            "value": Decimal("82.50"),
            "england": Decimal("78.00"),
        },
        ("% of children seen alone", datetime.date(2024, 5, 1)): {"value": Decimal("83.25")},
    }


def test_it_reads_the_wide_shape_from_a_workbook_headed_with_real_dates_and_formulas(
    officer, seen_alone, caseload
):
    data = xlsx_bytes(
        [
            ["Measure", datetime.datetime(2024, 1, 1), datetime.datetime(2024, 2, 1)],
            ["% of children seen alone", 80, 81],
            ["Average social work caseload", 18, 17],
        ]
    )
    plan = plan_from_file(data, officer)
    assert plan.shape == WIDE
    assert len(plan.lines) == 4


def test_a_formula_gives_the_value_excel_stored_for_it(officer, seen_alone, tmp_path):
    """openpyxl writes no stored values, so the file is given one the way Excel
    saves it: the formula and its last result side by side in the cell's XML."""
    data = xlsx_with_stored_formula("=40+41.5", "81.5")
    plan = plan_from_file(data, officer)
    assert figures(plan) == {
        ("% of children seen alone", datetime.date(2024, 1, 1)): {"value": Decimal("81.50")}
    }


def test_a_formula_with_no_stored_value_is_refused_naming_its_cell(officer, seen_alone):
    data = xlsx_bytes(
        [["measure", "period", "value"], ["% of children seen alone", "2024-01", "=40+41.5"]]
    )
    assert refusal(data, officer) == [
        "Cell C2 holds a formula with no stored value: open the file in Excel so that it "
        "calculates, save it and upload it again"
    ]


def test_it_says_what_saving_would_change_new_changed_and_unchanged(officer, seen_alone):
    factories.MeasureValueFactory(
        measure=seen_alone, period=datetime.date(2024, 1, 1), value=Decimal("80"), note="Kept"
    )
    factories.MeasureValueFactory(
        measure=seen_alone, period=datetime.date(2024, 2, 1), value=Decimal("81")
    )
    data = csv_bytes(
        """
measure,period,value
% of children seen alone,2024-01,80.00
% of children seen alone,2024-02,81.5
% of children seen alone,2024-03,82
"""
    )
    plan = plan_from_file(data, officer)

    assert plan.counts == {NEW: 1, CHANGED: 1, UNCHANGED: 1}
    (changed,) = plan.changed
    assert changed.changes == {"value": (Decimal("81.00"), Decimal("81.50"))}
    # An empty note in a file leaves the recorded note alone.
    assert plan.unchanged[0].recorded.note == "Kept"


# Bad files ---------------------------------------------------------------------------------


def test_every_problem_is_given_with_its_row(officer, seen_alone, caseload):
    future = next_month()
    data = csv_bytes(
        f"""
measure,period,value,england
% of children seen alone,2024-01,eighty,
Nobody's measure,2024-01,5,
% of children seen alone,2024-13,5,
% of children seen alone,2024-02,101,-3
% of children seen alone,{future:%Y-%m},50,
Average social work caseload,2024-01,-1,
% of children seen alone,2024-03,50,
% of children seen alone,2024-03,51,
Average social work caseload,,5,
Average social work caseload,2024-04,,
"""
    )
    month = future.strftime("%B %Y")
    assert refusal(data, officer) == [
        "Row 2: the value \u201ceighty\u201d is not a number",
        "Row 3: there is no measure called \u201cNobody's measure\u201d",
        "Row 4: \u201c2024-13\u201d is not a month: write it as YYYY-MM, such as 2024-03",
        "Row 5: the value is a percentage, so it must be between 0 and 100",
        "Row 5: the England figure is a percentage, so it must be between 0 and 100",
        f"Row 6: {month} is in the future",
        "Row 7: the value must be 0 or more",
        "Row 9: % of children seen alone for March 2024 is given again (row 8 gives it too)",
        "Row 10: enter the month, such as 2024-03",
        "Row 11: enter the value",
    ]


def test_a_wide_files_problems_name_the_row_and_the_column(officer, seen_alone):
    data = csv_bytes(
        """
Measure,2024-01,2024-02,2024-01
% of children seen alone,80,n/a,81
"""
    )
    assert refusal(data, officer) == [
        "Columns B and D: both are headed January 2024",
        "Row 2, column C (February 2024): the value \u201cn/a\u201d is not a number",
    ]


def test_a_wide_file_with_a_figure_under_no_month_is_refused(officer, seen_alone):
    data = csv_bytes("Measure,2024-01,\n% of children seen alone,80,81")
    assert refusal(data, officer) == ["Row 2, column C: the column has no month at its top"]


def test_a_header_that_is_neither_shape_is_refused(officer, seen_alone):
    data = csv_bytes("Measure,Figure\n% of children seen alone,80")
    (message,) = refusal(data, officer)
    assert message.startswith("The first row must name the columns")


def test_an_unknown_column_in_the_long_shape_is_refused(officer, seen_alone):
    data = csv_bytes("measure,period,value,target\n% of children seen alone,2024-01,80,90")
    assert refusal(data, officer) == [
        "Column D: \u201ctarget\u201d is not a column this file can have: use measure, "
        "period, value, england, neighbours and note"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\r\n,,\r\n", "The file is empty"),
        (csv_bytes("measure,period,value"), "The file has no figures under its first row"),
        (xlsx_bytes([]), "The sheet \u201cFigures\u201d is empty"),
        (b"%PDF-1.7\x00\x01binary", "The file must be a CSV file or an Excel workbook (.xlsx)"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "The file is an older Excel workbook (.xls): save it as an Excel Workbook (.xlsx) "
            "or as CSV UTF-8, and upload that",
        ),
        (
            b"PK\x03\x04not really a zip",
            "The file is not an Excel workbook that can be read: save it from Excel as an Excel "
            "Workbook (.xlsx) or as CSV UTF-8",
        ),
        (
            "measure,period,value\nCaf\u00e9 visits,2024-01,5".encode("cp1252"),
            "The file is not in UTF-8 (row 2 has a character that is not): in Excel, choose "
            "Save As and CSV UTF-8 (Comma delimited), then upload that file",
        ),
    ],
    ids=["empty", "blank-rows", "header-only", "empty-sheet", "pdf", "xls", "bad-zip", "cp1252"],
)
def test_a_file_that_cannot_be_read_is_refused_with_what_to_do(officer, data, message):
    assert refusal(data, officer) == [message]


@override_settings(MEASURES_IMPORT_MAX_BYTES=100)
def test_a_file_over_the_size_limit_is_refused(officer, seen_alone):
    data = csv_bytes("measure,period,value\n" + "% of children seen alone,2024-01,80\n" * 10)
    assert refusal(data, officer) == ["The file must be smaller than 1KB"]


def test_a_long_list_of_problems_shows_the_first_twenty_and_counts_the_rest(officer, seen_alone):
    rows = "\n".join(f"% of children seen alone,2020-{month:02},x" for month in range(1, 13))
    rows += "\n" + "\n".join(
        f"% of children seen alone,2021-{month:02},x" for month in range(1, 13)
    )
    with pytest.raises(FileRefused) as refused:
        plan_from_file(csv_bytes("measure,period,value\n" + rows), officer)
    assert len(refused.value.messages) == 24
    assert len(refused.value.shown) == 20
    assert refused.value.not_shown == "and 4 more problems"


def test_an_owner_may_name_only_the_measures_they_supply(seen_alone, caseload):
    owner = factories.UserFactory()
    caseload.owner = owner
    caseload.save()
    data = csv_bytes(
        """
measure,period,value
Average social work caseload,2024-01,17
% of children seen alone,2024-01,80
"""
    )
    assert refusal(data, owner) == [
        "Row 3: you do not supply \u201c% of children seen alone\u201d, so you cannot "
        "enter its figures"
    ]
