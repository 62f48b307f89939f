from django.urls import path

from . import entry_views, upload_views, views

app_name = "measures"

urlpatterns = [
    path("measures/", views.MeasureListView.as_view(), name="measure_list"),
    path("measures/<int:pk>/", views.MeasureDetailView.as_view(), name="measure_detail"),
    path("measures/figures/", entry_views.FiguresEntryView.as_view(), name="figures_entry"),
    path(
        "measures/figures/upload/",
        upload_views.FiguresUploadView.as_view(),
        name="figures_upload",
    ),
    path(
        "measures/figures/review/",
        upload_views.FiguresReviewView.as_view(),
        name="figures_review",
    ),
]
