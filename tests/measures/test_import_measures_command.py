"""``import_measures PATH [--commit] [--as EMAIL]``: a trial run says what would
change and saves nothing; --commit saves all or nothing, named for the person."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from accounts.roles import IMPROVEMENT_TEAM, SCRUTINY_MEMBER, SENIOR_LEADER
from measures import figures_save
from measures.models import MeasureValue, Unit
from tests import factories

from .figure_files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

FILE = """
measure,period,value,england
% of children seen alone,2024-01,80,
% of children seen alone,2024-02,82.5,79
Average social work caseload,2024-02,17,
"""


@pytest.fixture
def officer():
    return factories.UserFactory(role=IMPROVEMENT_TEAM, email="imogen@council.example")


@pytest.fixture
def measures():
    seen_alone = factories.MeasureFactory(title="% of children seen alone", unit=Unit.PERCENTAGE)
    caseload = factories.MeasureFactory(title="Average social work caseload", unit=Unit.NUMBER)
    factories.MeasureValueFactory(
        measure=seen_alone, period=datetime.date(2024, 1, 1), value=Decimal("80")
    )
    factories.MeasureValueFactory(
        measure=seen_alone, period=datetime.date(2024, 2, 1), value=Decimal("81")
    )
    return seen_alone, caseload


def run(*args):
    out = io.StringIO()
    call_command("import_measures", *args, stdout=out)
    return out.getvalue()


def write(tmp_path, data, name="figures.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def recorded():
    return {
        (value.measure.title, value.period): value.value
        for value in MeasureValue.objects.select_related("measure")
    }


def test_a_trial_run_says_what_would_change_and_saves_nothing(tmp_path, measures):
    before = recorded()
    history = MeasureValue.history.count()

    output = run(write(tmp_path, csv_bytes(FILE)))

    assert output.splitlines() == [
        "Would save 1 new, 1 changed; 1 unchanged (long shape).",
        "  changed: % of children seen alone, February 2024: value 81 \u2192 82.5, England 79",
        "  new: Average social work caseload, February 2024: value 17",
        "Nothing was saved: run again with --commit --as EMAIL to save.",
    ]
    assert recorded() == before
    assert MeasureValue.history.count() == history


def test_commit_saves_every_change_with_history_naming_the_person(tmp_path, measures, officer):
    output = run(write(tmp_path, csv_bytes(FILE)), "--commit", "--as", "Imogen@Council.example")

    assert output.startswith("Saved 1 new, 1 changed; 1 unchanged (long shape).")
    assert recorded()[("% of children seen alone", datetime.date(2024, 2, 1))] == Decimal("82.50")
    assert recorded()[("Average social work caseload", datetime.date(2024, 2, 1))] == Decimal(
        "17.00"
    )
    changed = MeasureValue.history.filter(history_user=officer).order_by("history_type")
    assert [(row.history_type, row.value) for row in changed] == [
        ("+", Decimal("17.00")),
        ("~", Decimal("82.50")),
    ]
    assert {row.history_change_reason for row in changed} == {"From figures.csv"}
    assert {row.entered_by for row in changed} == {officer}
    # The unchanged January figure has no new history row.
    january = MeasureValue.objects.get(period=datetime.date(2024, 1, 1))
    assert january.history.count() == 1


def test_it_reads_a_wide_workbook(tmp_path, measures, officer):
    data = xlsx_bytes(
        [
            ["Measure", "Jan 2024", "Feb 2024"],
            ["% of children seen alone", 80, 82.5],
            ["Average social work caseload", None, 17],
        ]
    )
    output = run(write(tmp_path, data, "figures.xlsx"), "--commit", "--as", officer.email)
    assert output.startswith("Saved 1 new, 1 changed; 1 unchanged (wide shape).")


def test_commit_needs_a_person_for_history(tmp_path, measures):
    with pytest.raises(CommandError, match="--commit needs --as EMAIL"):
        run(write(tmp_path, csv_bytes(FILE)), "--commit")


@pytest.mark.parametrize("role", [SENIOR_LEADER, SCRUTINY_MEMBER])
def test_nobody_but_the_team_and_owners_may_be_named(tmp_path, measures, role):
    person = factories.UserFactory(role=role)
    with pytest.raises(CommandError, match="may not enter measures' figures"):
        run(write(tmp_path, csv_bytes(FILE)), "--commit", "--as", person.email)


def test_an_unknown_person_is_refused(tmp_path, measures):
    with pytest.raises(CommandError, match="Nobody active has the e-mail address x@y.example"):
        run(write(tmp_path, csv_bytes(FILE)), "--commit", "--as", "x@y.example")


def test_bad_input_saves_nothing_and_lists_the_problems_by_row(tmp_path, measures, officer):
    before = recorded()
    data = csv_bytes(FILE + "% of children seen alone,2024-13,5,\nNo such measure,2024-03,5,\n")

    with pytest.raises(CommandError) as refused:
        run(write(tmp_path, data), "--commit", "--as", officer.email)

    assert str(refused.value).splitlines()[1:] == [
        "  Row 5: \u201c2024-13\u201d is not a month: write it as YYYY-MM, such as 2024-03",
        "  Row 6: there is no measure called \u201cNo such measure\u201d",
    ]
    assert "nothing was saved" in str(refused.value)
    assert recorded() == before


def test_a_long_list_of_problems_is_cut_at_twenty(tmp_path, measures):
    rows = "".join(f"% of children seen alone,20{year}-13,5\n" for year in range(10, 35))
    with pytest.raises(CommandError) as refused:
        run(write(tmp_path, csv_bytes("measure,period,value\n" + rows)))
    lines = str(refused.value).splitlines()
    assert len(lines) == 22
    assert lines[-1] == "  ... and 5 more problems"


@override_settings(MEASURES_IMPORT_MAX_BYTES=64)
def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, measures, monkeypatch):
    path = write(tmp_path, csv_bytes(FILE))
    monkeypatch.setattr("pathlib.Path.read_bytes", lambda self: pytest.fail("read it"))
    with pytest.raises(CommandError, match="The file must be smaller than 1KB"):
        run(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nowhere.csv"))


def test_a_failure_midway_saves_nothing(tmp_path, measures, officer, monkeypatch):
    """The new value is written before the changed one fails: both are undone."""
    before = recorded()
    history = MeasureValue.history.count()

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(figures_save, "bulk_update_with_history", fail)
    with pytest.raises(RuntimeError):
        run(write(tmp_path, csv_bytes(FILE)), "--commit", "--as", officer.email)

    assert recorded() == before
    assert MeasureValue.history.count() == history
