"""Who is knocking, and what the service tells the logs about it.

Signing in is limited by django-axes (the AXES_* settings in config/settings/base.py):
a pair of e-mail address and network address is locked after too many failed
passwords, so councillors who share a council's address do not lock each other out,
and someone trying many addresses from one place is still limited on each. This
module gives axes the pieces that are particular to this service: the address a
request came from behind the council's proxies, the e-mail address typed in either
sign-in form, and the GOV.UK page shown while locked.

Failed sign-ins and refused requests are logged at WARNING on the ``tracker.security``
logger, with the details as fields (``extra``) so that the JSON logs on a council's
servers can be searched by them. A password is never logged.
"""

import ipaddress
import logging
import math

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from config.words import count_of

from .identity import lockout_key

logger = logging.getLogger("tracker.security")

ANONYMOUS = "anonymous"


# Where a request came from ----------------------------------------------------------


def _valid_address(value):
    value = (value or "").strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip_address(request):
    """The address of the person's machine, as far as this service can trust it.

    With no proxy in front (TRUSTED_PROXY_COUNT 0, the default) that is the address
    of the connection, and X-Forwarded-For is ignored: anyone can write that header,
    and trusting it would let one person pose as many and dodge the lockout. With N
    trusted proxies, each appends the address it was reached from, so the client is
    the Nth entry from the right; entries further left were written by the client
    and are not believed. A header with fewer entries than proxies did not come
    through them all, so the connection's address is used.
    """
    remote = _valid_address(request.META.get("REMOTE_ADDR"))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return _valid_address(forwarded[-proxies]) or remote


def user_agent(request):
    return request.META.get("HTTP_USER_AGENT", "")[:255]


# What axes needs -------------------------------------------------------------------


def username_tried(request, credentials=None):
    """The e-mail address a sign-in was attempted with, as the lockout counts it.

    The service's sign-in form sends ``email``; Django's admin form (which sends
    people to that page, see accounts/admin.py) would send ``username``. Every
    spelling of one address, in any case, full-width or with a look-alike letter
    ("ſ", "ı"), is one key (accounts.identity.lockout_key): changing the spelling
    does not buy more guesses, nor a way round a lock.
    """
    value = None
    if credentials:
        value = credentials.get("email") or credentials.get("username")
    if not value and request is not None:
        data = getattr(request, "POST", {})
        value = data.get("email") or data.get("username")
    if not value:
        return None
    return lockout_key(value)[:255]


def only_passwords_are_counted(request, credentials=None):
    """axes' allow-list: True for a sign-in that carries no password.

    The lockout counts password guesses. Single sign-on (accounts/oidc.py) sends
    no password: the council's identity provider has already checked the person,
    and limits guesses itself. Counting its failures here would lock everyone on a
    council's shared address out of single sign-on after a few people without an
    account here had tried it.
    """
    # Both sign-in forms, the service's and the admin's, pass ``password=``.
    if credentials is None:
        return False
    return not credentials.get("password")


def lock_lifts_at(username, ip_address):
    """When the pair's lock lifts: the cool-off after its last counted failure.

    Failures made while locked are not counted
    (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off), so the time shown to the
    person does not move each time they try again.
    """
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    last = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    return (last or timezone.now()) + get_cool_off()


def minutes_until(moment):
    """Whole minutes from now until ``moment``, rounded up, at least one."""
    seconds = (moment - timezone.now()).total_seconds()
    return max(1, math.ceil(seconds / 60))


def govuk_time(moment):
    """A time of day as GOV.UK writes it: "9:05am", "2:30pm", "midday", "midnight"."""
    local = timezone.localtime(moment)
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def lockout_response(request, original_response=None, credentials=None):
    """axes' AXES_LOCKOUT_CALLABLE: the sign-in page, status 429, saying that the
    account is locked for this address and when it can be tried again.

    The form is shown again, empty but for the address, so that the page reads as
    the sign-in page it is; every sign-in with it is refused until the lock lifts,
    the right password included (axes' backend stops it before any password is
    checked).
    """
    from django.template.response import TemplateResponse

    from .forms import SignInForm

    username = username_tried(request, credentials)
    lifts_at = lock_lifts_at(username, request.axes_ip_address)
    minutes = minutes_until(lifts_at)
    context = {
        "form": SignInForm(request, initial={"email": username}),
        "locked_out": {
            "minutes": minutes,
            "wait": count_of(minutes, "minute"),
            "at": govuk_time(lifts_at),
        },
        "page_has_errors": True,
        "single_sign_on": settings.SINGLE_SIGN_ON_ENABLED,
    }
    response = TemplateResponse(
        request,
        "accounts/sign_in.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    # Retry-After in seconds, for anything reading the status rather than the page.
    response["Retry-After"] = str(minutes * 60)
    return response.render()


# Logging ---------------------------------------------------------------------------


def who(user):
    """The person as the logs name them: e-mail address and id, or anonymous."""
    if user is None or not user.is_authenticated:
        return {"user": ANONYMOUS, "user_id": None}
    return {"user": user.email, "user_id": user.pk}


def log_failed_sign_in(sender, credentials, request=None, **kwargs):
    """Receiver of Django's ``user_login_failed``: the address tried, where from and
    with what browser. ``credentials`` arrive with the password already masked by
    Django, and only the e-mail address is taken from them anyway.

    Sign-ins with no password (single sign-on) are logged by accounts/oidc.py,
    which knows what the identity provider said.
    """
    if "password" not in (credentials or {}):
        return
    username = username_tried(request, credentials)
    fields = {
        "event": "sign_in_failed",
        "username": username,
        "ip_address": client_ip_address(request) if request is not None else None,
        "user_agent": user_agent(request) if request is not None else None,
        # axes has already looked at this failure (its receiver is connected first):
        # True when it locked the pair or the pair was locked already.
        "locked_out": bool(getattr(request, "axes_locked_out", False)),
    }
    logger.warning("Sign-in failed for %s from %s", username, fields["ip_address"], extra=fields)


def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    """Receiver of axes' ``user_locked_out``: the moment a pair is locked, and each
    refused try while it is."""
    fields = {
        "event": "sign_in_locked_out",
        "username": username,
        "ip_address": ip_address,
        "user_agent": user_agent(request) if request is not None else None,
    }
    logger.warning(
        "Sign-in locked for %s from %s after too many failed attempts",
        username,
        ip_address,
        extra=fields,
    )


def log_refusal(request, *, status, reason="", verb=None):
    """A refused request (403): who, what they asked for, and why where known."""
    fields = {
        "event": "request_refused",
        "status": status,
        **who(getattr(request, "user", None)),
        "method": request.method,
        "path": request.path,
        "verb": verb,
        "reason": reason or None,
        "ip_address": client_ip_address(request),
    }
    because = reason or (f"may not {verb}" if verb else "no reason given")
    # Django's own log of the response would repeat this with a traceback;
    # config.logs.OneLinePerRefusal leaves it out when it sees this mark.
    request.refusal_logged = True
    logger.warning(
        "Refused %s %s to %s: %s",
        request.method,
        request.path,
        fields["user"],
        because,
        extra=fields,
    )
