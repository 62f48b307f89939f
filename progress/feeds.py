"""Reading the feeds with a token, and the iCalendar file of a person's due dates.

A feed answers to a token alone, never to a signed-in session: a reporting tool
or a calendar fetches it with no cookie, and a page on another site must not be
able to make a signed-in browser fetch someone's data with their session. The
token goes in an ``Authorization: Bearer <key>`` header or, for tools that cannot
set headers, in ``?token=<key>``.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from actions.models import ImprovementAction, Rag

from .models import FeedToken

# Marking a token as used on every request would write on every read of a busy
# report; once in a while is enough to show whether a token is still in use.
LAST_USED_EVERY = datetime.timedelta(minutes=5)


def key_from(request):
    """The key the request presents: the Bearer header first, then ``?token=``."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and key.strip():
        return key.strip()
    return request.GET.get("token", "").strip()


def token_for(request, purpose):
    """The active token the request presents for ``purpose``, or None.

    Unknown, revoked and other-purpose keys, and the keys of people whose accounts
    are switched off, are all the same "no" to the caller.
    """
    token = FeedToken.find_active(key_from(request), purpose)
    if token is not None:
        now = timezone.now()
        FeedToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY),
            pk=token.pk,
        ).update(last_used_at=now)
    return token


# iCalendar (RFC 5545)

MAX_LINE_OCTETS = 75


def ical_text(value):
    """Text with the characters RFC 5545 reserves escaped (section 3.3.11)."""
    text = str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line):
    """One content line folded so that no line is longer than 75 octets (section
    3.1): each continuation starts with a space, and a character's UTF-8 bytes are
    never split between lines."""
    parts, current, size = [], [], 0
    for character in line:
        width = len(character.encode())
        if size + width > MAX_LINE_OCTETS:
            parts.append("".join(current))
            current, size = [" "], 1
        current.append(character)
        size += width
    parts.append("".join(current))
    return "\r\n".join(parts)


def _date(day):
    return day.strftime("%Y%m%d")


def _stamp(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def open_actions_of(user):
    return (
        ImprovementAction.objects.filter(owner=user)
        .open()
        .with_rag()
        .order_by("due_date", "reference")
    )


def action_event(action, *, host, link, stamp):
    """A VEVENT for an action's due date: an all-day event on that day."""
    url = link(action.get_absolute_url())
    description = f"Status: {action.get_status_display()}. RAG: {Rag(action.rag).label}.\n{url}"
    return [
        "BEGIN:VEVENT",
        f"UID:action-{action.pk}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(action.due_date)}",
        f"DTEND;VALUE=DATE:{_date(action.due_date + datetime.timedelta(days=1))}",
        f"SUMMARY:{ical_text(f'{action.reference} due: {action.title}')}",
        f"DESCRIPTION:{ical_text(description)}",
        f"URL:{url}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar_for(user, *, host, link, service_name):
    """The iCalendar file of ``user``'s open actions, one all-day event on each
    action's due date, lines ending CRLF as the standard requires."""
    stamp = _stamp(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{ical_text(service_name)}//Action due dates//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_text(f'{service_name}: my actions')}",
    ]
    for action in open_actions_of(user):
        lines.extend(action_event(action, host=host, link=link, stamp=stamp))
    lines.append("END:VCALENDAR")
    return "".join(f"{fold(line)}\r\n" for line in lines)
