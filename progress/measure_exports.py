"""Measures' monthly values as a table for the downloads and the JSON feed: one
row a measure and month, with the measure's unit, target and areas of concern,
the England and statistical neighbour comparators and the month's RAG against
the target.

The first six columns are the long shape the measures import reads
(``measure,period,value,england,neighbours,note``), so a download can be
corrected in Excel and uploaded again.

Scrutiny members get the measures shared with them and nothing else
(``visible_to``), and only the areas of concern they may see are named.
"""

from django.utils.functional import cached_property

from inspections.models import AreaOfConcern
from measures.models import Measure, MeasureValue
from measures.trends import RAG_LABELS, rag

from .exports import Column, Table


class MeasureValuesTable(Table):
    name = "measure-values"
    title = "Measures' monthly values"
    model = MeasureValue

    def rows(self):
        return (
            MeasureValue.objects.visible_to(self.user)
            .select_related("measure")
            .order_by("measure__title", "measure_id", "period", "id")
        )

    @cached_property
    def _area_titles(self):
        """Each measure's areas of concern as the reader may see them, in one
        query for the whole table (there are a few hundred measures at most)."""
        links = Measure.areas.through.objects.filter(
            measure__in=Measure.objects.visible_to(self.user),
            areaofconcern__in=AreaOfConcern.objects.visible_to(self.user),
        ).values_list("measure_id", "areaofconcern__title")
        titles = {}
        for measure_id, title in links:
            titles.setdefault(measure_id, []).append(title)
        return {measure_id: "; ".join(sorted(names)) for measure_id, names in titles.items()}

    def _areas(self, row):
        return self._area_titles.get(row.measure_id, "")

    def columns(self):
        return [
            Column("measure", "Measure", lambda row: row.measure.title),
            Column("period", "Period", lambda row: f"{row.period:%Y-%m}"),
            Column("value", "Value", lambda row: row.value),
            Column("england", "England", lambda row: row.england),
            Column("neighbours", "Statistical neighbours", lambda row: row.neighbours),
            Column("note", "Note", lambda row: row.note),
            Column("unit", "Unit", lambda row: row.measure.get_unit_display()),
            Column(
                "higher_is_better", "Higher is better", lambda row: row.measure.higher_is_better
            ),
            Column("target", "Target", lambda row: row.measure.target),
            Column("rag", "RAG", lambda row: RAG_LABELS[rag(row.measure, row.value)]),
            Column("areas_of_concern", "Areas of concern", self._areas),
            # Says so where the figures are the demonstration's, not the council's.
            Column("source", "Source", lambda row: row.measure.source),
            Column("url", "Link", lambda row: self.address(row.measure)),
        ]
