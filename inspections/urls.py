from django.urls import path

from . import views, views_authorities

app_name = "inspections"

# A visit's page (visits/<pk>/) and an area's page (areas/<pk>/) are the findings
# layer's: they show findings and ratings, which this layer knows nothing of.
urlpatterns = [
    path("authorities/", views_authorities.AuthorityListView.as_view(), name="authority_list"),
    path(
        "authorities/new/", views_authorities.AuthorityCreateView.as_view(), name="authority_create"
    ),
    path(
        "authorities/<int:pk>/edit/",
        views_authorities.AuthorityUpdateView.as_view(),
        name="authority_update",
    ),
    path(
        "authorities/<int:pk>/delete/",
        views_authorities.AuthorityDeleteView.as_view(),
        name="authority_delete",
    ),
    path("inspections/", views.InspectionListView.as_view(), name="inspection_list"),
    path("inspections/new/", views.InspectionCreateView.as_view(), name="inspection_create"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path(
        "inspections/<int:pk>/edit/", views.InspectionUpdateView.as_view(), name="inspection_update"
    ),
    path(
        "inspections/<int:pk>/delete/",
        views.InspectionDeleteView.as_view(),
        name="inspection_delete",
    ),
    path(
        "inspections/<int:inspection_pk>/judgements/new/",
        views.JudgementCreateView.as_view(),
        name="judgement_create",
    ),
    path(
        "inspections/judgements/<int:pk>/edit/",
        views.JudgementUpdateView.as_view(),
        name="judgement_update",
    ),
    path(
        "inspections/judgements/<int:pk>/delete/",
        views.JudgementDeleteView.as_view(),
        name="judgement_delete",
    ),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", views.VisitCreateView.as_view(), name="visit_create"),
    path("visits/<int:pk>/edit/", views.VisitUpdateView.as_view(), name="visit_update"),
    path("visits/<int:pk>/delete/", views.VisitDeleteView.as_view(), name="visit_delete"),
    path("areas/", views.AreaListView.as_view(), name="area_list"),
    path("areas/new/", views.AreaCreateView.as_view(), name="area_create"),
    path("areas/<int:pk>/edit/", views.AreaUpdateView.as_view(), name="area_update"),
    path("areas/<int:pk>/delete/", views.AreaDeleteView.as_view(), name="area_delete"),
]
