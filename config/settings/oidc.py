"""Single sign-on through the council's identity provider (OpenID Connect), if set up.

Off unless OIDC_RP_CLIENT_ID is set. Then people may also sign in with their council
account (Microsoft Entra ID, or any OpenID Connect provider), through
mozilla-django-oidc and accounts/oidc.py; e-mail and password accounts keep working
alongside. The README's "Single sign-on" section says how to register the service
with Entra ID.

The settings are worked out by one function of the environment, so that a test can
build the switched-on configuration from a made-up environment and use exactly what
a council's server would.
https://mozilla-django-oidc.readthedocs.io/en/stable/settings.html
"""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ImproperlyConfigured

APP = "mozilla_django_oidc"
BACKEND = "accounts.oidc.CouncilAccountBackend"

# What the provider must tell the service, and where.
REQUIRED = (
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)

TRUE_WORDS = {"1", "true", "yes", "on"}


def oidc_settings(
    environ: Mapping[str, str],
    installed_apps: Sequence[str],
    authentication_backends: Sequence[str],
) -> dict:
    """The settings single sign-on adds or changes, given the environment and the
    apps and backends configured without it. Empty when it is not set up, except
    for SINGLE_SIGN_ON_ENABLED, which the sign-in page and config/urls.py read."""
    client_id = environ.get("OIDC_RP_CLIENT_ID", "").strip()
    if not client_id:
        return {"SINGLE_SIGN_ON_ENABLED": False}
    missing = [name for name in REQUIRED if not environ.get(name, "").strip()]
    if missing:
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID is set, so single sign-on is on, but these are not: "
            + ", ".join(missing)
        )
    return {
        "SINGLE_SIGN_ON_ENABLED": True,
        "INSTALLED_APPS": [*installed_apps, APP],
        # After axes' backend and Django's: a password sign-in never reaches this
        # one, which answers only to the provider's callback.
        "AUTHENTICATION_BACKENDS": [*authentication_backends, BACKEND],
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": environ["OIDC_RP_CLIENT_SECRET"].strip(),
        "OIDC_OP_AUTHORIZATION_ENDPOINT": environ["OIDC_OP_AUTHORIZATION_ENDPOINT"].strip(),
        "OIDC_OP_TOKEN_ENDPOINT": environ["OIDC_OP_TOKEN_ENDPOINT"].strip(),
        "OIDC_OP_USER_ENDPOINT": environ["OIDC_OP_USER_ENDPOINT"].strip(),
        "OIDC_OP_JWKS_ENDPOINT": environ["OIDC_OP_JWKS_ENDPOINT"].strip(),
        # Entra ID signs its tokens with RS256 and publishes the keys at the JWKS
        # endpoint; HS256 (the library's default) would check them with the secret.
        "OIDC_RP_SIGN_ALGO": environ.get("OIDC_RP_SIGN_ALGO", "").strip() or "RS256",
        # "email" is what people are matched by; "profile" brings their name for
        # accounts created on first sign-in.
        "OIDC_RP_SCOPES": "openid email profile",
        # PKCE: a stolen authorisation code is no use without the verifier kept in
        # this browser's session.
        "OIDC_USE_PKCE": True,
        # A provider that does not answer must not hold a web worker for ever.
        "OIDC_TIMEOUT": 10,
        # People are not created unless the council chooses; a person created is
        # given no role either way (accounts/oidc.py).
        "OIDC_CREATE_USER": environ.get("OIDC_CREATE_USERS", "").strip().lower() in TRUE_WORDS,
    }
