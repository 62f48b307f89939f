from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = settings.SERVICE_NAME
admin.site.site_title = settings.SERVICE_NAME
admin.site.index_title = "Records"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
