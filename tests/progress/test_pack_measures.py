"""A committee pack freezes the shared measures' figures as at its date: the
latest figure up to the committee's month with its target, RAG and comparators,
how it moved since the previous pack, and never a later correction."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.audit import save_as
from progress.models import CommitteePack
from progress.pack_measures import measures_as_at
from progress.packs import freeze, pdf_of

from .. import factories

pytestmark = pytest.mark.django_db

MAY, JUNE = datetime.date(2024, 5, 20), datetime.date(2024, 6, 20)


def freeze_pack(user, title, day):
    return freeze(CommitteePack(title=title, committee_date=day), user)


@pytest.fixture
def seen_alone():
    measure = factories.MeasureFactory(
        title="Children seen alone", target=Decimal("90"), areas=[factories.AreaOfConcernFactory()]
    )
    for month, figure in [(3, "80"), (4, "84"), (5, "86.5"), (6, "91"), (7, "70")]:
        factories.MeasureValueFactory(
            measure=measure,
            period=datetime.date(2024, month, 1),
            value=Decimal(figure),
            england=Decimal("79"),
        )
    factories.MeasureFactory(title="Internal staffing figure", shareable_with_scrutiny=False)
    return measure


def main_content(response):
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def test_it_freezes_the_shared_measures_latest_figure_as_at_the_committee_date(
    improvement_officer, seen_alone
):
    (entry,) = freeze_pack(improvement_officer, "May committee", MAY).snapshot["measures"]
    assert entry["title"] == "Children seen alone"
    assert entry["latest"]["month"] == "May 2024" and entry["latest"]["figure"] == "86.5%"
    assert entry["latest"]["england"] == "79%"
    assert (entry["target"], entry["rag"], entry["rag_label"]) == ("90%", "amber", "Amber")
    assert entry["months_off_target"] == 3
    assert [period for period, _figure in entry["recent"]] == [
        "2024-03-01", "2024-04-01", "2024-05-01",
    ]  # fmt: skip
    assert entry["since_previous"] is None  # the first pack


def test_the_next_pack_says_how_each_measure_moved_since_the_previous_one(
    improvement_officer, seen_alone
):
    freeze_pack(improvement_officer, "May committee", MAY)
    (entry,) = freeze_pack(improvement_officer, "June committee", JUNE).snapshot["measures"]
    assert entry["latest"]["figure"] == "91%" and entry["rag"] == "green"
    assert entry["since_previous"] == {
        "text": "Up 4.5 percentage points from 86.5% in May 2024",
        "direction": "better",
        "direction_label": "Better",
    }


def test_a_lower_is_better_fall_reads_as_better_and_no_change_as_no_change(improvement_officer):
    caseload = factories.MeasureFactory(
        title="Average caseload", unit="number", higher_is_better=False, target=Decimal("18")
    )
    steady = factories.MeasureFactory(title="Steady", target=None)
    for measure in (caseload, steady):
        factories.MeasureValueFactory(measure=measure, period=datetime.date(2024, 5, 1), value=20)
    previous = {"measures": measures_as_at(MAY)}
    for measure, figure in ((caseload, 19), (steady, 20)):
        factories.MeasureValueFactory(
            measure=measure, period=datetime.date(2024, 6, 1), value=figure
        )
    by_title = {entry["title"]: entry for entry in measures_as_at(JUNE, previous)}
    assert by_title["Average caseload"]["since_previous"]["text"] == "Down 1 from 20 in May 2024"
    assert by_title["Average caseload"]["since_previous"]["direction"] == "better"
    assert by_title["Steady"]["since_previous"]["text"] == "No change from 20% in May 2024"
    assert by_title["Steady"]["rag_label"] == "No rating"


def test_a_measure_new_since_the_previous_pack_says_so(improvement_officer, seen_alone):
    previous = {"measures": []}
    (entry,) = measures_as_at(JUNE, previous)
    assert entry["since_previous"]["text"] == "Not in the previous pack"


def test_a_correction_after_freezing_changes_neither_the_snapshot_nor_the_page(
    client, improvement_officer, scrutiny_member, seen_alone
):
    pack = freeze_pack(improvement_officer, "May committee", MAY)
    client.force_login(scrutiny_member)
    url = reverse("progress:pack_detail", args=[pack.pk])
    page_before = main_content(client.get(url))
    assert "86.5% in May 2024" in page_before
    may_value = seen_alone.values.get(period=datetime.date(2024, 5, 1))
    may_value.value = Decimal("60")
    save_as(may_value, improvement_officer)
    seen_alone.title = "Renamed after the committee"
    save_as(seen_alone, improvement_officer)
    assert CommitteePack.objects.get(pk=pack.pk).snapshot == pack.snapshot
    page_after = main_content(client.get(url))
    assert page_after == page_before
    assert "60%" not in page_after


def test_the_page_and_the_pdf_show_shared_measures_only(
    client, improvement_officer, scrutiny_member, seen_alone
):
    freeze_pack(improvement_officer, "May committee", MAY)
    pack = freeze_pack(improvement_officer, "June committee", JUNE)
    client.force_login(scrutiny_member)
    html = main_content(client.get(reverse("progress:pack_detail", args=[pack.pk])))
    assert '<h2 class="govuk-heading-m" id="measures">Measures</h2>' in html
    assert "<strong>Better:</strong> Up 4.5 percentage points from 86.5% in May 2024" in html
    assert "Internal staffing figure" not in html
    assert "illustrative figures" not in html
    assert 'role="img" aria-label="Trend from 80% in March 2024 to 91% in June 2024' in html
    pytest.importorskip("weasyprint")
    assert pdf_of(pack).startswith(b"%PDF")


def test_a_pack_frozen_before_measures_were_kept_shows_no_measures_section(
    client, improvement_officer, scrutiny_member
):
    pack = freeze_pack(improvement_officer, "Old committee", MAY)
    del pack.snapshot["measures"]
    pack.save()
    client.force_login(scrutiny_member)
    html = main_content(client.get(reverse("progress:pack_detail", args=[pack.pk])))
    assert 'id="measures"' not in html


def test_freezing_reads_the_measures_in_the_same_queries_however_many():
    def add(count):
        for _ in range(count):
            measure = factories.MeasureFactory()
            for month in (4, 5):
                factories.MeasureValueFactory(measure=measure, period=datetime.date(2024, month, 1))

    add(2)
    with CaptureQueriesContext(connection) as few:
        measures_as_at(MAY)
    add(20)
    with CaptureQueriesContext(connection) as many:
        measures_as_at(MAY)
    assert len(many) == len(few) <= 4


def test_the_demonstrations_figures_are_labelled_illustrative_in_the_pack(
    client, improvement_officer, scrutiny_member, seen_alone
):
    from measures.figures import ILLUSTRATIVE_SOURCE

    seen_alone.source = ILLUSTRATIVE_SOURCE
    seen_alone.save()
    pack = freeze_pack(improvement_officer, "May committee", MAY)
    assert pack.snapshot["measures_illustrative"] is True
    client.force_login(scrutiny_member)
    html = main_content(client.get(reverse("progress:pack_detail", args=[pack.pk])))
    assert "These are illustrative figures for the demonstration, not the council" in html
