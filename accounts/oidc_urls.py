"""Single sign-on's two pages, under /oidc/ when it is switched on (config/urls.py).

The names are mozilla-django-oidc's own, which its views reverse. Its logout page is
left out: signing out of this service is accounts:sign_out, and leaves the council
account signed in, as signing out of any one council service does.
"""

from django.urls import path
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from .oidc import CouncilAccountCallbackView

urlpatterns = [
    path(
        "authenticate/",
        OIDCAuthenticationRequestView.as_view(),
        name="oidc_authentication_init",
    ),
    path(
        "callback/",
        CouncilAccountCallbackView.as_view(),
        name="oidc_authentication_callback",
    ),
]
