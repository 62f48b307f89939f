from django.urls import path

from . import import_start_views, import_views, views

app_name = "findings"

urlpatterns = [
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path(
        "visits/<int:visit_pk>/findings/new/",
        views.FindingCreateView.as_view(),
        name="finding_create",
    ),
    path(
        "visits/<int:visit_pk>/ratings/",
        views.VisitRatingsView.as_view(),
        name="visit_ratings",
    ),
    path("findings/<int:pk>/edit/", views.FindingUpdateView.as_view(), name="finding_update"),
    path("findings/<int:pk>/delete/", views.FindingDeleteView.as_view(), name="finding_delete"),
    path("areas/<int:pk>/", views.AreaDetailView.as_view(), name="area_detail"),
    path("imports/new/", import_start_views.ImportStartView.as_view(), name="import_start"),
    path(
        "imports/reading/",
        import_start_views.ImportReadingView.as_view(),
        name="import_reading",
    ),
    path("imports/review/", import_views.ImportReviewView.as_view(), name="import_review"),
]
