from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from config.health import healthz
from progress import views_home

urlpatterns = [
    path("", views_home.HomeView.as_view(), name="home"),
    path("accessibility/", account_views.AccessibilityView.as_view(), name="accessibility"),
    # For load balancers and container healthchecks: no sign-in (config/health.py).
    path("healthz", healthz, name="healthz"),
    path("", include("accounts.urls")),
    path("", include("inspections.urls")),
    path("", include("findings.urls")),
    path("", include("measures.urls")),
    path("", include("actions.urls")),
    path("", include("progress.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

# Single sign-on's pages, only when it is switched on (config/settings/oidc.py).
if settings.SINGLE_SIGN_ON_ENABLED:
    urlpatterns.append(path("oidc/", include("accounts.oidc_urls")))

handler403 = "accounts.views.permission_denied"
handler404 = "accounts.views.page_not_found"
handler500 = "accounts.views.server_error"

# Uploaded files (MEDIA_ROOT) have no URL of their own, not even with DEBUG on:
# evidence is internal, so each file is handed out only by the view that asks
# whether this person may see it (actions.views.evidence_download).
