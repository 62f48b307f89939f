"""A council's servers: a real secret, real hosts, HTTPS only."""

from config.logs import logging_config

from .base import *  # noqa: F403
from .base import env

# Fails loudly at start-up rather than running with a guessable key.
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Security
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Load balancers and container health probes call /healthz over plain HTTP from
# inside the network; a redirect would read to them as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Only a local trial over plain HTTP (docker compose on a laptop) turns these off.
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# The other security headers (Content Security Policy, nosniff, Referrer-Policy,
# Permissions-Policy, X-Frame-Options) and the idle timeout on sessions apply in
# every environment: config/settings/base.py.

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.storage.HashedStaticFilesStorage"},
}

# Logging: one JSON object per line on stdout (time, level, logger, message and any
# ``extra`` fields), the same as gunicorn's and Celery's; LOG_FORMAT=plain for
# lines a person reads.
# https://docs.djangoproject.com/en/5.2/topics/logging/
LOGGING = logging_config(env("LOG_FORMAT", default="json"), env("LOG_LEVEL", default="INFO"))
