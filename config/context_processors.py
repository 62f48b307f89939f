from django.conf import settings


def service(request):
    """The service's name for every page's header and title."""
    return {"service_name": settings.SERVICE_NAME}
