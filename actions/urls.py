from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("actions/", views.ActionListView.as_view(), name="action_list"),
    path("actions/new/", views.ActionCreateView.as_view(), name="action_create"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action_detail"),
    path("actions/<int:pk>/edit/", views.ActionEditView.as_view(), name="action_edit"),
    path("actions/<int:pk>/assign/", views.ActionAssignView.as_view(), name="action_assign"),
    path("actions/<int:pk>/delete/", views.ActionDeleteView.as_view(), name="action_delete"),
    # The reminder e-mails link here by this name: keep it.
    path("actions/<int:pk>/update/", views.ProgressUpdateView.as_view(), name="action_update"),
    path("actions/<int:pk>/sign-off/", views.SignOffView.as_view(), name="action_sign_off"),
    path(
        "actions/<int:pk>/withdraw-sign-off/",
        views.WithdrawSignOffView.as_view(),
        name="action_withdraw_sign_off",
    ),
    path(
        "actions/updates/<int:pk>/sharing/",
        views.UpdateSharingView.as_view(),
        name="update_sharing",
    ),
    path(
        "actions/evidence/<int:pk>/download/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("my-actions/", views.MyActionsView.as_view(), name="my_actions"),
]
