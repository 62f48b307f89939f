"""Settings shared by every environment.

Everything that differs between a laptop and a council's servers comes from the
environment (https://django-environ.readthedocs.io/), so the same code runs on the
embedded defaults (SQLite, tasks in-process, e-mail to the console) and on
PostgreSQL with Redis and a Celery worker.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

from config.logs import logging_config

from .oidc import oidc_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env", overwrite=False)

# General
# https://docs.djangoproject.com/en/5.2/ref/settings/#std-setting-DEBUG
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
SERVICE_NAME = env("SERVICE_NAME", default="Children's services improvement tracker")

# Internationalisation: an English council, so British English, London time and
# day-month-year dates everywhere.
# https://docs.djangoproject.com/en/5.2/topics/i18n/
TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en-gb"
# Only British English: a browser asking for en-US must still get UK dates.
LANGUAGES = [("en-gb", "English")]
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# Databases: a SQLite file unless DATABASE_URL names another server.
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Persistent connections: each web worker, and each Celery worker process (see
# config/celery_app.py), keeps its connection for CONN_MAX_AGE seconds instead of
# opening one per request or task (about 4 ms each on PostgreSQL, against 0.1 ms
# for a query on an open one). The health check before a kept connection's first
# query of a request replaces one the server has dropped (a restart, an idle
# timeout) rather than failing that request. The server must allow one
# connection per gunicorn worker and Celery worker process. Under ASGI, Django's
# advice is not to keep them: config/asgi.py sets CONN_MAX_AGE=0.
# https://docs.djangoproject.com/en/5.2/ref/databases/#persistent-connections
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# URLs
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Apps, in the order of the house plan's layers.
# https://docs.djangoproject.com/en/5.2/ref/settings/#installed-apps
DJANGO_APPS = [
    # Django's admin, open to system administrators only (accounts/admin_site.py).
    "accounts.apps.SystemAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "simple_history",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
]
LOCAL_APPS = [
    "accounts",
    "inspections",
    "findings",
    "measures",
    "actions",
    "progress",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# Authentication: people sign in with their e-mail address.
# https://docs.djangoproject.com/en/5.2/topics/auth/customizing/
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# axes' backend comes first: it refuses a locked-out sign-in before any password
# is checked. It signs nobody in itself.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in lockout (django-axes): too many wrong passwords for one e-mail address
# from one network address lock that pair, and only that pair, for a cool-off.
# Councillors share their council's address, so locking by address alone would
# let one person's mistakes lock out the rest; locking by address and e-mail
# together still limits someone trying many addresses from one place, on each.
# accounts/security.py supplies the pieces particular to this service.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
# A try while locked is refused but not counted, so the lock lifts when the page
# said it would rather than moving on with each try.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "accounts.security.username_tried"
AXES_WHITELIST_CALLABLE = "accounts.security.only_passwords_are_counted"
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# No start-up banner from axes on every command's output; failures and lockouts
# are logged by accounts/security.py on the tracker.security logger.
AXES_VERBOSE = False
# The client's address: the connection's, unless TRUSTED_PROXY_COUNT proxies (a
# load balancer, a reverse proxy) stand in front and each appends to
# X-Forwarded-For. 0 trusts no header: set it to the number of proxies exactly,
# or people could choose their own address by sending the header.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip_address"
# A form sent without its CSRF token is refused on a GOV.UK page, and logged.
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"

# Single sign-on with the council's identity provider: off unless OIDC_RP_CLIENT_ID
# is set (config/settings/oidc.py).
vars().update(oidc_settings(env.ENVIRON, INSTALLED_APPS, AUTHENTICATION_BACKENDS))

# History (django-simple-history). The admin's "revert to this version" would write
# an old state back past every workflow (a sign-off, an author): switched off. A
# deleted record is brought back with the service's own restore page instead.
# https://django-simple-history.readthedocs.io/en/latest/admin.html
SIMPLE_HISTORY_REVERT_DISABLED = True

# Middleware: HistoryRequestMiddleware lets every history row name the person
# whose request made the change.
# https://django-simple-history.readthedocs.io/en/latest/user_tracking.html
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policies as pages do.
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Security headers, in every environment (tests included), so a page that would
# break under them breaks on a laptop first. Production adds HTTPS-only cookies,
# HSTS and the redirect to HTTPS (config/settings/production.py).
# https://docs.djangoproject.com/en/5.2/ref/middleware/#module-django.middleware.security
#
# Content Security Policy (django-csp): scripts, styles, images and fonts from this
# site only, and nothing inline: pages start GOV.UK Frontend from static/js/app.js
# and the charts colour their bars with SVG attributes, not style attributes. No
# plugins, no <base> to redirect relative links, no framing by any site, and forms
# post only to this site. Django's admin loads its scripts from files and needs no
# exception; the one inline style in it, on django-simple-history's list of past
# versions, only takes a rule off its page numbers, so browsers dropping it is
# harmless. tests/config/test_security_headers.py holds every page, and the
# admin's, to exactly this policy.
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Links to other sites are sent no address from here: a page's address (an
# action's, a finding's) says what someone was looking at, and stays in the service.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Permissions-Policy has no Django setting: config/middleware.py sends it.

# Sessions end after SESSION_IDLE_MINUTES without a request: each request saves the
# session again, which moves its expiry on, so only an idle session runs out. A
# council laptop left signed in on a desk signs itself out.
# https://docs.djangoproject.com/en/5.2/topics/http/sessions/#browser-length-sessions-vs-persistent-sessions
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True

# Static and uploaded files
# https://docs.djangoproject.com/en/5.2/howto/static-files/
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: evidence files on progress updates. actions/uploads.py refuses a file
# over UPLOAD_MAX_BYTES, or whose name or contents are not an accepted kind; the
# web server in front should refuse bodies a little larger than this as well.
# https://docs.djangoproject.com/en/5.2/ref/settings/#file-upload-settings
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Files above this are streamed to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The form fields of a request, files not counted: no form here comes near it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# One evidence file per update; a request carrying more is refused (400).
DATA_UPLOAD_MAX_NUMBER_FILES = 5
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# Ofsted letters and reports imported as .txt, .pdf or .docx (findings/documents.py):
# a thirty-page report PDF is about 1 MB, so 10 MB leaves room without letting a
# huge file tie up a worker while its text is extracted.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# Files of measures' monthly figures (measures/figures_file.py), CSV or XLSX: two
# hundred measures over five years is well under 1 MB as either.
MEASURES_IMPORT_MAX_BYTES = env.int("MEASURES_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
# Reading a document (findings.tasks.read_document) stops after this many seconds:
# checked as it reads, in-process or on a worker, whose Celery limits (a little
# longer) stop a reading stuck inside one page. Well under gunicorn's timeout
# (config/gunicorn.py), so that in-process the request ends before gunicorn would
# kill it. A reading not finished IMPORT_GIVE_UP_SECONDS after it was asked for
# (its worker died, or none is running) is reported as failed.
IMPORT_READ_SECONDS = env.int("IMPORT_READ_SECONDS", default=20)
IMPORT_GIVE_UP_SECONDS = env.int("IMPORT_GIVE_UP_SECONDS", default=5 * 60)

# Templates
# https://docs.djangoproject.com/en/5.2/ref/settings/#templates
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.service",
                "accounts.navigation.navigation",
            ],
        },
    },
]

# Forms: GOV.UK Design System layouts.
# https://github.com/wildfish/crispy-forms-gds
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# E-mail: to the console unless EMAIL_URL names a server.
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Improvement tracker <improvement-tracker@localhost>"
)
IMPROVEMENT_TEAM_MAILBOX = env("IMPROVEMENT_TEAM_MAILBOX", default="improvement-team@localhost")

# Links in e-mails: the address people reach the service at, with no trailing slash.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Reminders: the daily digest e-mail to action owners and their line managers.
# The policy that reads these is actions/reminders.py; the README's "Reminders"
# section says what each part means. Digests go out on working days (Monday to
# Friday less England and Wales bank holidays, from the holidays package) at
# SEND_AT, London time.
# https://python-holidays.readthedocs.io/
REMINDERS = {
    "SEND_AT": (env.int("REMINDERS_SEND_AT_HOUR", default=7), 0),
    # Listed as "due soon" when due today or within this many days.
    "DUE_SOON_DAYS": env.int("REMINDERS_DUE_SOON_DAYS", default=7),
    # Listed as "stale" when there has been no progress update for this many days.
    "STALE_AFTER_DAYS": env.int("REMINDERS_STALE_AFTER_DAYS", default=30),
    # A line manager hears of a report's action once overdue by more than this.
    "ESCALATE_AFTER_DAYS": env.int("REMINDERS_ESCALATE_AFTER_DAYS", default=14),
    # A month's figures are due by this working day of the month after; from
    # then, a measure still without one is in its owner's digest.
    "FIGURES_DUE_WORKING_DAY": env.int("REMINDERS_FIGURES_DUE_WORKING_DAY", default=5),
    # England and Wales share their bank holidays; the holidays package files
    # them under the United Kingdom's subdivision "ENG".
    "HOLIDAYS_COUNTRY": "GB",
    "HOLIDAYS_SUBDIVISION": "ENG",
    # A digest the mail server refuses is tried again after RETRY_BACKOFF
    # seconds, doubling each time up to RETRY_BACKOFF_MAX, MAX_ATTEMPTS in all.
    "MAX_ATTEMPTS": env.int("REMINDERS_MAX_ATTEMPTS", default=6),
    "RETRY_BACKOFF": env.int("REMINDERS_RETRY_BACKOFF", default=60),
    "RETRY_BACKOFF_MAX": env.int("REMINDERS_RETRY_BACKOFF_MAX", default=30 * 60),
    # Digests sent by one task over one connection to the mail server. Each is
    # still claimed and marked sent on its own, so this bounds only how much one
    # task holds up: with 5,000 digests, a hundred tasks for the workers to share.
    "DIGESTS_PER_BATCH": env.int("REMINDERS_DIGESTS_PER_BATCH", default=50),
}

# Celery: with REDIS_URL set, a real worker and beat; without it, tasks run
# in-process as soon as they are sent.
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
REDIS_URL = env("REDIS_URL", default="")
# In-process, a broker is still opened; its URL names a host so that kombu does
# not warn it is "reverting to localhost" on every task.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only once it has finished, and a worker takes one
# task at a time, so a worker that dies takes no queue of unstarted work with it.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker process is killed is not handed out again (that could
# loop forever on a task that kills its worker); the reminder sweep re-derives
# from its ledger whatever such a task left unsent.
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
# A task not acknowledged within this time is handed out again, so it must
# outlast the longest task (CELERY_TASK_TIME_LIMIT, and every task's own
# time_limit) and the longest retry countdown (REMINDERS["RETRY_BACKOFF_MAX"]:
# Redis counts a waiting retry as unacknowledged), or work would run twice.
# A test holds it above all of them.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes the database connection before and after every
# task unless this is set; with it, only every this many tasks, and between
# those the worker keeps its connection as a web worker does (CONN_MAX_AGE,
# with the health check: config/celery_app.py).
CELERY_DB_REUSE_MAX = 1000
# The one beat's timetable, in London time. Readable keys: they are what the
# beat logs. The catch-up sweep re-derives what is due from the database, so a
# digest lost with a dead worker or a dropped message still goes the same day;
# a digest already sent is never sent again.
# https://docs.celeryq.dev/en/stable/userguide/periodic-tasks.html
CELERY_BEAT_SCHEDULE = {
    "reminders: daily digests at 07:00 on weekdays": {
        "task": "actions.tasks.send_reminders",
        "schedule": crontab(
            minute=REMINDERS["SEND_AT"][1], hour=REMINDERS["SEND_AT"][0], day_of_week="mon-fri"
        ),
    },
    "reminders: catch-up sweep at half past each hour of the working day": {
        "task": "actions.tasks.send_reminders",
        "schedule": crontab(minute=30, hour="7-17", day_of_week="mon-fri"),
    },
    # The dashboard's figures are kept per day; working out the new day's before
    # anyone is up means no leader's first look of the morning waits for the sums.
    "dashboard: the day's figures worked out at 05:00": {
        "task": "progress.tasks.refresh_dashboard",
        "schedule": crontab(minute=0, hour=5),
    },
    # An import reviewed but never confirmed leaves its uploaded file behind.
    "imports: abandoned drafts' files removed at 03:00": {
        "task": "findings.tasks.remove_abandoned_import_drafts",
        "schedule": crontab(minute=0, hour=3),
    },
}

# Cache: with REDIS_URL set, one cache shared by every worker process (the
# dashboard's figures are worked out once, not once per process); otherwise
# each process keeps its own. Short socket timeouts, so that with Redis down a
# page is worked out afresh at once rather than waiting on it (the dashboard
# treats a cache error as a miss).
# https://docs.djangoproject.com/en/5.2/topics/cache/#redis
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="tracker"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long, in seconds, the dashboard may show figures a change has overtaken
# while a refresh brings them up to date (marked as such on the page).
DASHBOARD_REFRESH_GRACE = env.int("DASHBOARD_REFRESH_GRACE", default=60)

# Where the documents the demo data was taken from are kept, when present.
SEEDS_DIR = Path(env("SEEDS_DIR", default=str(BASE_DIR.parent / "shared" / "seeds")))

# Logging
# https://docs.djangoproject.com/en/5.2/topics/logging/
# Plain lines on a laptop; production.py writes JSON. Either way each record is
# written once, and a refused request is one line (config/logs.py).
LOGGING = logging_config("plain", env("LOG_LEVEL", default="INFO"))

# Admin
ADMIN_URL = env("DJANGO_ADMIN_URL", default="admin/")

# Action RAG: amber when not started and due within this many days.
RAG_AMBER_WITHIN_DAYS = env.int("RAG_AMBER_WITHIN_DAYS", default=14)
