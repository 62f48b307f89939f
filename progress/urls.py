from django.urls import path, register_converter

from . import views_dashboard, views_exports, views_packs, views_scrutiny, views_tokens

register_converter(views_exports.ExportFormatConverter, "export_format")

app_name = "progress"

urlpatterns = [
    path("dashboard/", views_dashboard.DashboardView.as_view(), name="dashboard"),
    path("progress/", views_scrutiny.ScrutinyMatrixView.as_view(), name="scrutiny_matrix"),
    path(
        "progress/areas/<int:pk>/",
        views_scrutiny.ScrutinyAreaView.as_view(),
        name="scrutiny_area",
    ),
    path("progress/letters/", views_scrutiny.LetterListView.as_view(), name="letter_list"),
    path(
        "progress/letters/<int:pk>/",
        views_scrutiny.LetterDetailView.as_view(),
        name="letter_detail",
    ),
    path("progress/packs/", views_packs.PackListView.as_view(), name="pack_list"),
    path("progress/packs/new/", views_packs.PackCreateView.as_view(), name="pack_create"),
    path("progress/packs/<int:pk>/", views_packs.PackDetailView.as_view(), name="pack_detail"),
    path("progress/packs/<int:pk>/pack.pdf", views_packs.PackPdfView.as_view(), name="pack_pdf"),
    # Downloads and feeds (progress.exports, progress.feeds)
    path(
        "progress/exports/actions.<export_format:file_format>",
        views_exports.ActionsExportView.as_view(),
        name="export_actions",
    ),
    path(
        "progress/exports/findings.<export_format:file_format>",
        views_exports.FindingsExportView.as_view(),
        name="export_findings",
    ),
    path(
        "progress/exports/ratings.<export_format:file_format>",
        views_exports.RatingsExportView.as_view(),
        name="export_ratings",
    ),
    path(
        "progress/exports/measure-values.<export_format:file_format>",
        views_exports.MeasureValuesExportView.as_view(),
        name="export_measure_values",
    ),
    path("feeds/actions.json", views_exports.ActionsFeedView.as_view(), name="feed_actions"),
    path("feeds/findings.json", views_exports.FindingsFeedView.as_view(), name="feed_findings"),
    path("feeds/ratings.json", views_exports.RatingsFeedView.as_view(), name="feed_ratings"),
    path(
        "feeds/measure-values.json",
        views_exports.MeasureValuesFeedView.as_view(),
        name="feed_measure_values",
    ),
    path("feeds/my-actions.ics", views_exports.CalendarFeedView.as_view(), name="feed_calendar"),
    path("progress/tokens/", views_tokens.TokenListView.as_view(), name="token_list"),
    path("progress/tokens/new/", views_tokens.TokenCreateView.as_view(), name="token_create"),
    path(
        "progress/tokens/<int:pk>/revoke/",
        views_tokens.TokenRevokeView.as_view(),
        name="token_revoke",
    ),
]
