"""Downloads (CSV and Excel) and the JSON and iCalendar feeds. The tables are
built in ``progress.exports``, the feeds read through ``progress.feeds``; these
views only check who is asking and wrap the result in a response."""

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.views import View

from accounts.mixins import PermissionMixin

from . import exports, feeds
from .measure_exports import MeasureValuesTable
from .models import FeedToken

FEED_PAGE_SIZE = 500


class ExportFormatConverter:
    """``csv`` or ``xlsx`` in a download's address."""

    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class ExportView(PermissionMixin, View):
    """One table as a file, to anyone who may view its rows, with only the rows
    and columns they may see. The CSV file is streamed; a workbook is built whole
    (the format is a zip archive)."""

    table_class = None

    def get(self, request, file_format):
        table = self.table_class(request.user, request.GET, request.build_absolute_uri)
        if file_format == "csv":
            response = StreamingHttpResponse(
                exports.csv_lines(table), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                exports.xlsx_bytes(table), content_type=exports.XLSX_CONTENT_TYPE
            )
        response["Content-Disposition"] = f'attachment; filename="{table.filename}.{file_format}"'
        response["Cache-Control"] = "private, no-store"
        return response


class ActionsExportView(ExportView):
    table_class = exports.ActionsTable
    model = exports.ActionsTable.model


class FindingsExportView(ExportView):
    table_class = exports.FindingsTable
    model = exports.FindingsTable.model


class RatingsExportView(ExportView):
    table_class = exports.RatingsTable
    model = exports.RatingsTable.model


class MeasureValuesExportView(ExportView):
    table_class = MeasureValuesTable
    model = MeasureValuesTable.model


# Feeds


def _refused(status, message):
    response = JsonResponse({"error": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="feeds"'
    return response


def _private(response):
    # Each answer belongs to one token: no shared cache may keep or reuse it.
    response["Cache-Control"] = "private, no-store"
    response["Vary"] = "Authorization"
    return response


FEED_REFUSAL = (
    "This feed needs an active token: send it as 'Authorization: Bearer <token>' "
    "or as ?token=<token>. Signing in to the service is not enough."
)


class FeedView(View):
    """A table as JSON, a page at a time, to the holder of an active data token,
    who sees what the token's owner may see. The session is never consulted."""

    table_class = None

    def get(self, request):
        token = feeds.token_for(request, FeedToken.Purpose.DATA_FEED)
        if token is None:
            return _private(_refused(401, FEED_REFUSAL))
        table = self.table_class(token.user, request.GET, request.build_absolute_uri)
        if not table.allowed():
            return _private(
                _refused(403, f"This token's owner may not read {table.title.lower()}.")
            )
        # The page is found by its rows' keys alone, and only its own rows are then
        # read in full: the database skips the earlier pages without working out
        # their latest updates, so page 100 costs about what page 1 does.
        paginator = Paginator(table.rows().values_list("pk", flat=True), FEED_PAGE_SIZE)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except (EmptyPage, PageNotAnInteger):
            return _private(_refused(404, "There is no such page of this feed."))
        keys = list(page.object_list)
        found = {row.pk: row for row in table.read(table.rows().filter(pk__in=keys))}
        body = {
            "title": table.title,
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": self._page_url(page.next_page_number()) if page.has_next() else None,
            "previous": (
                self._page_url(page.previous_page_number()) if page.has_previous() else None
            ),
            "results": exports.records(table, [found[key] for key in keys]),
        }
        return _private(JsonResponse(body))

    def _page_url(self, number):
        # The same query (filters, and the token for tools that cannot send a header).
        params = self.request.GET.copy()
        params["page"] = number
        return self.request.build_absolute_uri(f"{self.request.path}?{params.urlencode()}")


class ActionsFeedView(FeedView):
    table_class = exports.ActionsTable


class FindingsFeedView(FeedView):
    table_class = exports.FindingsTable


class RatingsFeedView(FeedView):
    table_class = exports.RatingsTable


class MeasureValuesFeedView(FeedView):
    table_class = MeasureValuesTable


class CalendarFeedView(View):
    """The due dates of the token owner's open actions, for a calendar to subscribe to."""

    def get(self, request):
        token = feeds.token_for(request, FeedToken.Purpose.CALENDAR)
        if token is None:
            return _private(_refused(401, FEED_REFUSAL))
        text = feeds.calendar_for(
            token.user,
            host=request.get_host().split(":")[0],
            link=request.build_absolute_uri,
            service_name=settings.SERVICE_NAME,
        )
        response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="my-actions.ics"'
        return _private(response)
