"""benchmark_measures times the measures' pages at two sizes and flags growth (no
timing is asserted); the measures it seeds have their history, as real ones do."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from measures.models import Measure, MeasureValue
from progress import bulk, bulk_measures

pytestmark = pytest.mark.django_db

PAGES = (
    "measure list, team",
    "measure list, councillor",
    "measure page, team",
    "measure page, councillor",
    "area page, team",
    "area page, councillor",
    "councillor's area page, team",
    "councillor's area page, councillor",
    "dashboard, not cached",
)


def run(*args):
    out = StringIO()
    call_command("benchmark_measures", *args, stdout=out)
    return out.getvalue()


def test_it_times_every_page_at_each_size_and_reports_the_growth(roles_exist):
    output = run("--sizes", "3x2,6x4", "--requests", "1")
    timings, growth = output.split("Growth from 3 measures of 2 months to 6 measures of 4 months")
    for page in PAGES:
        timed = [line for line in timings.splitlines() if line.startswith(f"{page} ")]
        assert [line.split()[-6] for line in timed] == ["3x2", "6x4"], page
        assert not any("answered" in line or "not built" in line for line in timed), page
        assert any(line.startswith(f"{page} ") for line in growth.splitlines()), page
    assert "dashboard, not cached, p95 at 6 measures of 4 months" in output


def test_the_seeded_measures_values_and_areas_have_their_history(roles_exist):
    run("--sizes", "3x2,6x4", "--requests", "1")
    team = User.objects.get(email="benchmark-team@synthetic.example")
    measures = bulk_measures.synthetic_measures()
    assert measures.count() == 6
    values = MeasureValue.objects.filter(measure__in=measures)
    assert values.count() == 6 * 4
    for measure in measures:
        (created,) = measure.history.all()
        assert (created.history_type, created.history_user) == ("+", team)
        assert {link.areaofconcern_id for link in created.areas.all()} == set(
            measure.areas.values_list("pk", flat=True)
        )
        assert measure.areas.exists()
    history = MeasureValue.history.filter(history_type="+", history_user=team)
    assert sorted(history.values_list("id", "value")) == sorted(values.values_list("id", "value"))


def test_the_measures_grow_in_the_synthetic_areas_with_targets_comparators_and_some_shared(
    roles_exist,
):
    bulk.build(200)
    bulk_measures.grow(10, 3, by=User.objects.create(email="team@example.org"))
    areas = set(bulk._latest_data_set()[0])
    measures = bulk_measures.synthetic_measures()
    assert {area for measure in measures for area in measure.areas.all()} <= areas
    assert 0 < measures.filter(shareable_with_scrutiny=True).count() < 10
    assert measures.filter(target__isnull=False).count() >= 8
    assert MeasureValue.objects.filter(england__isnull=False, neighbours__isnull=False).exists()
    # A few actions of one of the measure's areas name it as how they will know it worked.
    for measure in measures:
        named = measure.actions.all()
        assert 0 < len(named) <= bulk_measures.ACTIONS_PER_MEASURE
        assert all(set(action.areas.all()) & set(measure.areas.all()) for action in named)


def test_a_figure_is_the_same_however_the_data_set_grew_to_it(roles_exist):
    team = User.objects.create(email="team@example.org")
    bulk_measures.grow(2, 3, by=team)
    bulk_measures.grow(4, 6, by=team)
    grown = list(MeasureValue.objects.values_list("measure__title", "period", "value"))
    Measure.objects.all().delete()
    bulk_measures.grow(4, 6, by=team)
    at_once = list(MeasureValue.objects.values_list("measure__title", "period", "value"))
    assert len(grown) == 4 * 6
    assert sorted(grown) == sorted(at_once)


def test_it_refuses_a_database_with_more_synthetic_measures_than_the_first_size(roles_exist):
    bulk_measures.grow(5, 2, by=User.objects.create(email="team@example.org"))
    with pytest.raises(CommandError, match="more than the first size"):
        run("--sizes", "4x2,8x2")
    with pytest.raises(CommandError, match="more than the first size"):
        run("--sizes", "5x1,8x2")


@pytest.mark.parametrize("sizes", ["6x4,3x2", "3x2", "3x2,lots", "0x2,3x4", "3x2,3x2", "3x4,6x2"])
def test_it_refuses_sizes_it_cannot_use(sizes):
    with pytest.raises(CommandError, match="--sizes"):
        run("--sizes", sizes)
