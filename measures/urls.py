from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("measures/", views.MeasureListView.as_view(), name="measure_list"),
    path("measures/<int:pk>/", views.MeasureDetailView.as_view(), name="measure_detail"),
]
