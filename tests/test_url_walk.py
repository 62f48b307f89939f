"""Every URL in the URLconf, requested by every role, with GET and with an empty POST.

The pages are found by walking the URLconf (tests/walk.py), so a page added to any
``urls.py`` is walked from the moment it lands; one whose URL parameters the walk
cannot fill in fails ``test_it_can_fill_in_every_url`` with its name.

What must hold, for every URL and every role:

- nothing answers 500;
- anyone not signed in is sent to sign in, except on the public pages;
- a feed (tests/walk.py's ``TOKEN_PAGES``) answers 401 to everyone, signed in or
  not: it opens to a feed token only, and the walk holds none;
- every page of the Django admin (its history pages included) refuses (403) every
  role, and sends anyone signed out to sign in: only a system administrator, who
  walks the admin on their own, may open it;
- a scrutiny member gets 403 on every page that writes, and the pages they may read
  show no control that leads to one (links or forms), sign out aside; nor do they
  read unpublished records;
- an action owner may post updates on their own actions and is refused on anyone
  else's, and may enter the figures of the measure they supply; with no role, they
  may write nothing else; a senior leader writes nothing
  but sign-offs;
- the improvement team can open every page (a 404 there means the walk filled in
  the URL wrongly, which would hide faults: fix the walk);
- a form posted empty that is not accepted shows the GOV.UK error summary and a
  title starting "Error: ";
- no refused request, and no form sent back with errors, changes anything: the
  history rows of every audited model are counted before and after each one;
- no page links a signed-in person to a page that refuses them or does not exist.

Each request runs in a savepoint rolled back afterwards, so an empty POST that a
page accepts (a deletion, a restore) does not change what the next request sees.
"""

from collections import defaultdict
from http.cookies import SimpleCookie

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django.views.generic.edit import BaseDeleteView, ProcessFormView
from simple_history.models import HistoricalChanges

from accounts.access import WRITE_VERBS, supplies_measures

from . import walk

pytestmark = pytest.mark.django_db

# What only senior leaders write: signing off an action's impact and withdrawing it.
LEADERS_ONLY = {"sign_off", "withdraw_sign_off"}

REFUSED = {302, 403, 404, 405}


def history_rows():
    """How many history rows there are, over every audited model (in one query: it
    runs twice for every request the walk makes)."""
    tables = [
        connection.ops.quote_name(model._meta.db_table)
        for model in apps.get_models()
        if issubclass(model, HistoricalChanges)
    ]
    counts = " + ".join(f"(SELECT COUNT(*) FROM {table})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")  # table names from the models, not from input
        return cursor.fetchone()[0]


class Visitor:
    """One role's browser, whose every request is undone once answered."""

    def __init__(self, role, samples):
        self.role = role
        self.user = samples.users[role]
        self.client = Client(raise_request_exception=False)
        if self.user is not None:
            self.client.force_login(self.user)
            walk.prepare_session(self.client, samples)
        self._cookies = SimpleCookie(self.client.cookies.output(header="", sep=";"))

    def request(self, method, url):
        """The response and the history-row counts before and after it."""
        with transaction.atomic():
            before = history_rows()
            send = self.client.post if method == "post" else self.client.get
            response = send(url)
            after = history_rows()
            transaction.set_rollback(True)
        # Signing out, or a message set by a write that was rolled back, changes the
        # cookies: start every request from the same signed-in session.
        self.client.cookies = SimpleCookie(self._cookies.output(header="", sep=";"))
        return response, before, after


def login_url_for(page):
    if page.is_admin:
        return reverse("admin:login")
    return resolve_url(settings.LOGIN_URL)


def is_sign_in_redirect(response, page):
    if response.status_code != 302:
        return False
    return response.url.split("?")[0] in {login_url_for(page), resolve_url(settings.LOGIN_URL)}


def is_html(response):
    return response.get("Content-Type", "").startswith("text/html")


def title_of(response):
    text = response.content.decode(errors="replace")
    start, end = text.find("<title>"), text.find("</title>")
    return text[start + 7 : end].strip() if start != -1 and end != -1 else ""


@pytest.fixture
def samples(db):
    return walk.build_samples()


@pytest.fixture
def pages():
    return walk.pages_by_name()


def test_it_finds_the_pages_of_the_frame(pages):
    assert {"home", "accessibility", "accounts:sign_in", "accounts:sign_out", "admin:index"} <= set(
        pages
    )


def test_it_finds_every_page_of_the_admin(pages):
    """Each model's list, add, change, delete and history pages, its past versions
    and the admin's own pages: all of them are walked."""
    for name in [
        "admin:login",
        "admin:app_list",
        "admin:autocomplete",
        "admin:view_on_site",
        "admin:actions_improvementaction_changelist",
        "admin:actions_improvementaction_add",
        "admin:actions_improvementaction_change",
        "admin:actions_improvementaction_delete",
        "admin:actions_improvementaction_history",
        "admin:actions_improvementaction_simple_history",
        "admin:inspections_visit_simple_history",
        "admin:auth_user_password_change",
        "admin:auth_group_history",
    ]:
        assert name in pages, name


def test_it_can_fill_in_every_url(samples):
    _, problems = walk.targets(samples)
    assert not problems, "The walk cannot request these pages:\n" + "\n".join(problems)


def test_every_page_that_takes_a_form_checks_a_write_permission(pages):
    """A view that saves or deletes must ask ``may`` a write verb, or the walk would
    take it for a page anyone may read."""
    unchecked = [
        str(page)
        for page in pages.values()
        if page.view_class is not None
        and issubclass(page.view_class, ProcessFormView | BaseDeleteView)
        and page.name not in walk.SESSION_PAGES
        and page.verb not in WRITE_VERBS
    ]
    assert not unchecked, (
        "These pages take a form but check no write permission (set permission_verb "
        "to one of " + ", ".join(sorted(WRITE_VERBS)) + "):\n" + "\n".join(unchecked)
    )


class Report:
    def __init__(self, role):
        self.role = role
        self.problems = defaultdict(list)

    def add(self, rule, target, method, message):
        self.problems[rule].append(f"{method.upper()} {target}: {message}")

    def text(self):
        lines = [f"As {self.role}:"]
        for rule, found in self.problems.items():
            lines.append(f"  {rule} ({len(found)}):")
            lines.extend(f"    {line}" for line in found[:40])
            if len(found) > 40:
                lines.append(f"    ... and {len(found) - 40} more")
        return "\n".join(lines)


def check(role, target, method, response, before, after, pages, report, samples):
    """Every rule that applies to this one answer, each problem under its rule."""
    page, variant = target.page, target.variant
    status = response.status_code
    changed = before != after

    def add(rule, message):
        report.add(rule, target, method, message)

    if status >= 500:
        add("no URL answers 500", f"answered {status}")
        return
    refused = status in {403, 405} or is_sign_in_redirect(response, page)
    if refused and changed:
        add("a refused request changes nothing", f"{status}, history rows {before} -> {after}")
    is_session_page = page.name in walk.SESSION_PAGES
    if role in {walk.ANONYMOUS, walk.SCRUTINY} and not is_session_page and changed:
        add("scrutiny members and signed-out people change nothing", f"{before} -> {after} rows")
    if page.name in walk.TOKEN_PAGES:
        check_token_page(method, status, add)
        return
    if page.is_admin:
        check_admin_page(role, page, response, add)
        return

    if role == walk.ANONYMOUS:
        check_signed_out(page, method, response, add)
        return
    if page.is_write and not is_session_page:
        check_write(role, page, variant, method, status, samples, add)
    opens = method == "get" and not page.post_only and page.verb not in LEADERS_ONLY
    if role == walk.TEAM and opens and status in {403, 404}:
        add(
            "the improvement team can open every page",
            f"answered {status}: if the page is right, the walk filled in its URL wrongly",
        )
    if method == "post" and page.is_write and status == 200 and is_html(response):
        check_sent_back(response, changed, before, after, add)
    if role == walk.SCRUTINY and method == "get" and status == 200:
        check_read_only_page(target, response, pages, add)


def check_token_page(method, status, add):
    """A feed with no token: refused (401) to everyone, a session being no token;
    it only reads, so a POST is turned away (405)."""
    expected = 401 if method == "get" else 405
    if status != expected:
        add("a feed opens to a token only, never to a session", f"answered {status}")


def check_admin_page(role, page, response, add):
    """The admin is a system administrator's tool: nobody the walk plays may use it,
    whatever permissions or staff flag their account holds."""
    if role == walk.ANONYMOUS:
        # Signing out of the admin when signed out leads to the admin's index,
        # which sends them to sign in.
        to_index = page.name == "admin:logout" and response.get("Location") == reverse(
            "admin:index"
        )
        if not (is_sign_in_redirect(response, page) or to_index):
            add("anonymous people are sent to sign in", f"answered {response.status_code}")
    elif response.status_code != 403:
        add("only a system administrator may open the admin", f"answered {response.status_code}")


def check_signed_out(page, method, response, add):
    status = response.status_code
    # A POST to a page that only reads may be turned away as such (405): it tells
    # nobody anything either way.
    turned_away = method == "post" and not page.is_write and status == 405
    if not page.is_public and not is_sign_in_redirect(response, page) and not turned_away:
        add("anonymous people are sent to sign in", f"answered {status}")
    if page.is_public and method == "get" and not page.is_write and status != 200:
        add("public pages open without signing in", f"answered {status}")


def check_write(role, page, variant, method, status, samples, add):
    # A page that only takes POST may turn a GET away as such, before or after
    # asking who is there.
    expected = {403, 405} if method == "get" and page.post_only else {403}
    if role == walk.SCRUTINY and status not in expected:
        add("a scrutiny member gets 403 on every write", f"answered {status}")
    if page.name in walk.PERSONAL_PAGES:
        return  # every officer keeps their own feed tokens and preferences
    if role == walk.OWNER:
        action = variant.action()
        owns = action is not None and action.owner_id == samples.users[role].pk
        if page.verb == "post_update" and owns:
            if status in {403, 404} or (method == "get" and status != 200):
                add("an owner may post updates on their own action", f"answered {status}")
        elif page.verb == "enter_figures" and supplies_measures(samples.users[role]):
            # The walk's owner supplies a measure: its figures are theirs to enter.
            if status in {403, 404}:
                add("an owner may enter the figures of the measures they supply", f"{status}")
        elif status not in expected:
            add("an owner writes only updates on their own actions", f"answered {status}")
    if role == walk.LEADER and page.verb not in LEADERS_ONLY and status not in expected:
        add("a senior leader writes nothing but sign-offs", f"answered {status}")


def check_sent_back(response, changed, before, after, add):
    """An empty form sent back says what is wrong, the GOV.UK way, and keeps nothing."""
    if "govuk-error-summary" not in response.content.decode(errors="replace"):
        add("a form sent back shows the error summary", "no .govuk-error-summary")
    if not title_of(response).startswith("Error: "):
        add("a form sent back shows the error summary", f"title {title_of(response)!r}")
    if changed:
        add("a form sent back saves nothing", f"history rows {before} -> {after}")


def check_read_only_page(target, response, pages, add):
    primary = target.variant.objects[0] if target.variant.objects else None
    if primary is not None and not getattr(primary, "visible_to_scrutiny", True):
        add("a scrutiny member reads published records only", "answered 200")
    if not is_html(response) or target.page.is_admin:
        return
    for kind, url, form_method, name in walk.controls(
        response.content.decode(errors="replace"), target.url
    ):
        if name in walk.SESSION_PAGES:
            continue
        leads_to_write = name in pages and pages[name].is_write
        if leads_to_write or (kind == "form" and form_method == "post"):
            add(
                "a scrutiny member sees no edit control",
                f"{kind} to {url} ({name or 'unknown page'}, {form_method.upper()})",
            )


def walk_as(role, samples):
    pages = walk.pages_by_name()
    found, problems = walk.targets(samples, list(pages.values()))
    assert not problems, "\n".join(problems)
    visitor = Visitor(role, samples)
    report = Report(role)
    links = {}
    for target in found:
        for method in ("get", "post"):
            response, before, after = visitor.request(method, target.url)
            check(role, target, method, response, before, after, pages, report, samples)
            if (
                method == "get"
                and response.status_code == 200
                and is_html(response)
                and not target.page.is_admin
            ):
                for kind, url, _method, name in walk.controls(
                    response.content.decode(errors="replace"), target.url
                ):
                    if kind == "link" and name is not None and name not in walk.SESSION_PAGES:
                        links.setdefault(url, str(target))
    if role != walk.ANONYMOUS:
        for url, source in sorted(links.items()):
            response, _, _ = visitor.request("get", url)
            status = response.status_code
            if status in {403, 404} or status >= 500:
                report.problems["no link leads to a refusal or nowhere"].append(
                    f"{url} (linked from {source}) answered {status}"
                )
    return found, report


@pytest.mark.parametrize("role", walk.ROLES)
def test_walk_every_url_as(role, samples):
    found, report = walk_as(role, samples)
    assert found
    assert not report.problems, report.text()


def test_an_owner_may_update_their_own_action_and_no_one_elses(samples):
    """Said on its own, so that its absence is noticed: skipped until a page exists."""
    pages = [p for p in walk.discover_pages() if p.verb == "post_update"]
    if not pages:
        pytest.skip("no page asks for post_update yet (actions:action_update not built yet)")
    visitor = Visitor(walk.OWNER, samples)
    owner = samples.users[walk.OWNER]
    own = other = 0
    for page in pages:
        for variant in walk.variants(page, samples):
            action = variant.action()
            if action is None:
                continue
            url = walk.url_for(page, variant.kwargs)
            response, before, after = visitor.request("get", url)
            if action.owner_id == owner.pk:
                own += 1
                assert response.status_code == 200, f"GET {url} (own action)"
            else:
                other += 1
                assert response.status_code == 403, f"GET {url} ({action.owner}'s action)"
                response, before, after = visitor.request("post", url)
                assert response.status_code == 403, f"POST {url} ({action.owner}'s action)"
                assert before == after
    assert own and other


# Who may not use an admin page's answer to an empty form: the ones that say what is
# missing and change nothing.
ADMIN_ANSWERS = {
    # Signing out of the admin is a POST, and its page says so to a GET.
    "admin:logout": {405},
    # The type-ahead needs to be told which field it serves.
    "admin:autocomplete": {403},
    # A record with no page of its own in the service has nowhere to be shown.
    "admin:view_on_site": {302, 404},
}


def admin_answers(page, administrator):
    """What a system administrator's GET of an admin page answers: 403 for a model
    the admin only lists (sign-in attempts, which nobody adds by hand)."""
    from django.contrib import admin
    from django.test import RequestFactory

    if page.name in ADMIN_ANSWERS:
        return ADMIN_ANSWERS[page.name]
    if page.model is not None and page.name.endswith("_add"):
        request = RequestFactory().get("/")
        request.user = administrator
        if not admin.site._registry[page.model].has_add_permission(request):
            return {403}
    return {200, 302}


def test_the_system_administrator_may_open_every_admin_page(samples):
    visitor = Visitor(walk.SYSTEM_ADMINISTRATOR, samples)
    admin_pages = [page for page in walk.discover_pages() if page.is_admin]
    found, problems = walk.targets(samples, admin_pages)
    assert not problems, "\n".join(problems)
    faults = []
    for target in found:
        expected = admin_answers(target.page, visitor.user)
        response, before, after = visitor.request("get", target.url)
        if response.status_code not in expected:
            faults.append(f"GET {target}: answered {response.status_code}")
        response, before, after = visitor.request("post", target.url)
        if response.status_code >= 500:
            faults.append(f"POST {target}: answered {response.status_code}")
        elif before != after:
            faults.append(f"POST {target}: an empty form changed history rows {before} -> {after}")
    assert len(found) > 100
    assert not faults, "\n".join(faults)
