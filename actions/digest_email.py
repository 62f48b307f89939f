"""What a reminder digest says, and the e-mail that says it.

``actions.reminders`` decides who gets a digest and sends it; this module turns
a ledger row and the actions it lists into words. A sweep sends thousands, so
the actions of a whole batch of digests are read in one query
(``actions_listed_in``), and each line's link and date are written with plain
string formatting rather than ``reverse()`` and the ``date`` filter per line.
"""

from dataclasses import dataclass
from email.utils import formataddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from config.dates import day_in_words

from .digest_figures import figures_section
from .models import ActionUpdate, ImprovementAction

# Links ---------------------------------------------------------------------------


def _absolute(path):
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def action_update_url(action_pk):
    """The absolute link to an action's update form."""
    return _absolute(reverse("actions:action_update", kwargs={"pk": action_pk}))


def update_links():
    """A function from an action's primary key to the absolute link to its update
    form, asking the URLconf once however many actions it is used for."""
    marker = 987654321
    before, after = action_update_url(marker).split(str(marker))
    return lambda action_pk: f"{before}{action_pk}{after}"


def preferences_url():
    """The absolute link to the page where a person chooses what they hear about."""
    return _absolute(reverse("accounts:preferences"))


# The actions a digest lists ---------------------------------------------------------


def _last_activity():
    """When an action last had a progress update, or else when it was created:
    for saying so in the e-mail, a few actions at a time."""
    latest_update = (
        ActionUpdate.objects.filter(action=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    created = (
        ImprovementAction.history.model.objects.filter(id=OuterRef("pk"), history_type="+")
        .order_by("history_date")
        .values("history_date")[:1]
    )
    return Coalesce(Subquery(latest_update), Subquery(created))


def actions_listed_in(digests):
    """The open actions the given ledger rows list, by primary key, with their
    owners: what each of those digests says is read from these. An action
    completed since its digest was written is not among them.

    Two queries for any number of digests: the actions, then when the stale
    ones last moved (only their lines say so, and working it out for every
    action listed would cost more than all the rest)."""
    wanted, stale = set(), set()
    for digest in digests:
        wanted.update(digest.action_pks)
        stale.update(digest.stale)
    actions = {
        action.pk: action
        for action in ImprovementAction.objects.open()
        .filter(pk__in=wanted)
        .select_related("owner")
        .only("reference", "title", "due_date", "owner__full_name", "owner__email")
    }
    if stale:
        last_moved = (
            ImprovementAction.objects.filter(pk__in=stale & actions.keys())
            .annotate(last_activity=_last_activity())
            .values_list("pk", "last_activity")
        )
        for pk, last_activity in last_moved:
            actions[pk].last_activity = last_activity
    return actions


# The words ----------------------------------------------------------------------------


def _plural(count, one, many):
    return one if count == 1 else many


def _days(count):
    return f"{count} day" if count == 1 else f"{count} days"


@dataclass
class Item:
    action: ImprovementAction
    link: str
    when: str  # "12 days overdue", "due in 3 days", "no update for 41 days"
    due: str = ""  # "5 March 2024"

    @property
    def owner_name(self):
        return str(self.action.owner) if self.action.owner_id else "No owner"


@dataclass
class Section:
    """One part of a digest. Its lines are written here rather than in a template
    loop: a sweep writes hundreds of thousands of them, and the template
    engine's cost per tag and variable was the largest part of the sweep."""

    key: str
    heading: str
    items: list

    def _owner_shown(self):
        return self.key == "escalated"

    @property
    def text(self):
        """The lines of the plain-text part, each action a paragraph."""
        owner = self._owner_shown()
        return "".join(
            f"\n- {item.action.reference} {item.action.title}"
            + (f"\n  Owner: {item.owner_name}" if owner else "")
            + f"\n  Due {item.due}: {item.when}\n  Update it: {item.link}\n"
            for item in self.items
        )

    @property
    def html(self):
        """The rows of the HTML part's table, every value escaped."""
        owner = self._owner_shown()
        cell = 'style="padding: 8px 0; border-bottom: 1px solid #b1b4b6;"'
        rows = []
        for item in self.items:
            reference = escape(item.action.reference)
            owner_line = f"Owner: {escape(item.owner_name)}<br>" if owner else ""
            rows.append(
                f"<tr><td {cell}><strong>{reference}</strong> {escape(item.action.title)}<br>"
                f"{owner_line}Due {escape(item.due)}: {escape(item.when)}<br>"
                f'<a href="{escape(item.link)}" style="color: #1d70b8;">Update {reference}</a>'
                "</td></tr>\n"
            )
        # Safe: built above from escaped values only.
        return mark_safe("".join(rows))  # noqa: S308  # nosec B308 B703


@dataclass
class DigestContent:
    greeting: str
    sections: list
    footer: list  # paragraphs
    subject: str = ""

    @property
    def is_empty(self):
        return not any(section.items for section in self.sections)

    @property
    def intro(self):
        return [section.heading for section in self.sections]


def _overdue_when(action, day):
    return f"{_days((day - action.due_date).days)} overdue"


def _due_when(action, day):
    days = (action.due_date - day).days
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    return f"due in {days} days"


def _stale_when(action, day):
    if action.last_activity is None:
        return "no progress update yet"
    since = timezone.localdate(action.last_activity)
    return f"no progress update for {_days((day - since).days)}"


def digest_content(digest, actions=None, links=None, figures=None):
    """What the digest says, from its ledger row and the actions as they are now
    (``actions``, from ``actions_listed_in``: read here when not given), and the
    measures still without the month's figure (``figures``, from
    ``digest_figures.measures_missing_in``, likewise).

    Actions completed since the row was written are left out, and so are
    measures whose figure has been entered since; a part the person has switched
    off since is left out too.
    """
    day = digest.day
    rules = settings.REMINDERS
    if actions is None:
        actions = actions_listed_in([digest])
    link = links or update_links()

    def items(pks, when):
        return [
            Item(
                actions[pk],
                link(pk),
                when(actions[pk], day),
                due=day_in_words(actions[pk].due_date),
            )
            for pk in pks
            if pk in actions
        ]

    recipient = digest.recipient
    wants_due_soon = recipient is None or recipient.reminders_due_soon
    overdue = items(digest.overdue, _overdue_when)
    due_soon = items(digest.due_soon, _due_when) if wants_due_soon else []
    stale = items(digest.stale, _stale_when)
    escalated = items(digest.escalated, _overdue_when)
    soon_days = rules["DUE_SOON_DAYS"]
    stale_days = rules["STALE_AFTER_DAYS"]
    escalate_days = rules["ESCALATE_AFTER_DAYS"]
    mailbox = settings.IMPROVEMENT_TEAM_MAILBOX

    sections = []
    if overdue:
        n = len(overdue)
        sections.append(
            Section("overdue", f"You have {n} overdue {_plural(n, 'action', 'actions')}", overdue)
        )
    if due_soon:
        n = len(due_soon)
        sections.append(
            Section(
                "due_soon",
                f"You have {n} {_plural(n, 'action', 'actions')} due in the next {soon_days} days",
                due_soon,
            )
        )
    if stale:
        n = len(stale)
        sections.append(
            Section(
                "stale",
                f"{n} of your actions {_plural(n, 'has', 'have')} had no progress update "
                f"for {stale_days} days or more",
                stale,
            )
        )
    if escalated:
        n = len(escalated)
        if recipient is None:
            heading = (
                f"{n} {_plural(n, 'action is', 'actions are')} more than {escalate_days} days "
                f"overdue, with no line manager to tell"
            )
        else:
            heading = (
                f"{n} {_plural(n, 'action', 'actions')} owned by people you manage "
                f"{_plural(n, 'is', 'are')} more than {escalate_days} days overdue"
            )
        sections.append(Section("escalated", heading, escalated))
    missing_figures = figures_section(digest, figures)
    if missing_figures:
        sections.append(missing_figures)

    if recipient is None:
        greeting = "Hello improvement team,"
        footer = [
            "This e-mail goes to the improvement team's mailbox because the actions in it "
            "have no owner, or their owner has no line manager recorded. Record a line "
            "manager for the owner and these reminders will go to them instead.",
            f"Reminders go out at most once each working day, and only when there is "
            f"something to tell. Manage people at {settings.SITE_URL}/{settings.ADMIN_URL}.",
        ]
    else:
        greeting = f"Dear {recipient.get_short_name()},"
        footer = [
            "You get this e-mail because you own improvement actions, manage someone who "
            "does, or supply a measure's monthly figures. It comes at most once each working "
            "day, and only when there is something to tell you.",
            f"To stop hearing about actions due in the next {soon_days} days, change your "
            f"reminder preferences at {preferences_url()} "
            f"or ask the improvement team ({mailbox}). Overdue actions, actions with no "
            f"recent update and your team's long-overdue actions are always included.",
        ]
    if missing_figures:
        due_day = rules["FIGURES_DUE_WORKING_DAY"]
        footer.insert(
            1,
            f"Each month's figures are due by working day {due_day} of the month after. "
            "A measure without one is in this e-mail every working day until it is "
            "entered, or until the next month's figures are due.",
        )
    content = DigestContent(greeting=greeting, sections=sections, footer=footer)
    content.subject = _subject(content)
    return content


def _subject(content):
    counts = {section.key: len(section.items) for section in content.sections}
    parts = []
    if counts.get("overdue"):
        parts.append(f"{counts['overdue']} overdue")
    if counts.get("due_soon"):
        parts.append(f"{counts['due_soon']} due soon")
    if counts.get("stale"):
        parts.append(f"{counts['stale']} with no recent update")
    if counts.get("escalated"):
        parts.append(f"{counts['escalated']} long overdue in your team")
    subject = "Improvement actions: " + ", ".join(parts) if parts else ""
    figures = [section for section in content.sections if section.key == "figures"]
    if figures:
        n = len(figures[0].items)
        measures = f"{n} {_plural(n, 'measure', 'measures')}"
        asked = f"Monthly figures: {measures} with no figure yet for {figures[0].month_words}"
        subject = f"{subject}. {asked}" if subject else asked
    return subject


# The e-mail ----------------------------------------------------------------------------


def message_id(digest):
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<reminder-digest-{digest.pk}.{digest.day:%Y%m%d}@{domain}>"


def build_message(digest, content, connection=None):
    """The digest as an e-mail with a plain-text and an HTML part."""
    context = {
        "digest": digest,
        "content": content,
        "service_name": settings.SERVICE_NAME,
        "site_url": settings.SITE_URL,
    }
    if digest.recipient is not None:
        to = formataddr((digest.recipient.full_name, digest.address))
    else:
        to = digest.address
    message = EmailMultiAlternatives(
        subject=content.subject,
        body=render_to_string("emails/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        connection=connection,
        headers={
            # The same digest sent twice (see actions.reminders) is the same
            # message to a mail program.
            "Message-ID": message_id(digest),
            # Asks mail servers not to send out-of-office replies to it.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    message.attach_alternative(render_to_string("emails/digest.html", context), "text/html")
    return message
