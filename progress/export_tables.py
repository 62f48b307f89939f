"""Every table that may be downloaded or read as a feed, by the name its file
takes: the tokens page lists them for each person from here."""

from .exports import ActionsTable, FindingsTable, RatingsTable
from .measure_exports import MeasureValuesTable

TABLES = {
    table.name: table for table in (ActionsTable, FindingsTable, RatingsTable, MeasureValuesTable)
}
