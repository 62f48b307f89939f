from django.urls import path

from . import history_views, people_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("preferences/", views.ReminderPreferencesView.as_view(), name="preferences"),
    path("people/", people_views.PeopleListView.as_view(), name="people"),
    path("people/new/", people_views.PersonCreateView.as_view(), name="person_create"),
    path("people/<int:pk>/", people_views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", people_views.PersonUpdateView.as_view(), name="person_update"),
    path("people/<int:pk>/roles/", people_views.PersonRolesView.as_view(), name="person_roles"),
    path("audit/", history_views.AuditLogView.as_view(), name="audit_log"),
    path("audit.csv", history_views.AuditLogCsvView.as_view(), name="audit_log_csv"),
    path(
        "history/<str:app_label>/<str:model_name>/<int:pk>/",
        history_views.ObjectHistoryView.as_view(),
        name="object_history",
    ),
    path(
        "history/<str:app_label>/<str:model_name>/<int:history_id>/restore/",
        history_views.RestoreView.as_view(),
        name="restore",
    ),
]
