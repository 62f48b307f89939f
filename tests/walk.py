"""Every page in the URLconf, found by walking it, and a value for each URL parameter.

The URL walk (tests/test_url_walk.py) and the browser's accessibility scan
(tests/browser/) both start here, so a page added to any ``urls.py`` is walked and
scanned as soon as it lands, with nothing to list by hand. What a page is:

- its name (``namespace:name``), route and parameters;
- its view class, the model that class works on (``view.model``, or its
  ``queryset``'s) and its ``permission_verb`` (``accounts.mixins.PermissionMixin``);
- whether it writes: a ``permission_verb`` in ``accounts.access.WRITE_VERBS``, or a
  view that answers POST only.

Values for URL parameters come from one set of sample records (``build_samples``),
chosen by the parameter's name: ``pk`` (or ``id``, ``object_id``) is the view's own
model; ``visit_pk``, ``action_id``, ``area`` and the like name a model; a field name
(``reference``) reads that field; ``history_id`` is a history row (of a deleted
record, for restore pages); ``app_label`` with ``model_name`` (or ``content_type_id``)
walk every audited model. A parameter none of these explains fails the walk with the
page's name, so a new page cannot slip by untested: name its parameters after the
model, or add a line to ``KWARGS_OVERRIDES`` below.
"""

from __future__ import annotations

import datetime
import html.parser
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.views.generic.edit import BaseCreateView
from simple_history.models import HistoricalChanges

from accounts.access import WRITE_VERBS
from accounts.audit import delete_as
from accounts.granting import manage_roles_permission
from accounts.roles import IMPROVEMENT_TEAM, SCRUTINY_MEMBER, SENIOR_LEADER

from . import factories

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's

# Who walks. "owner" holds no role and owns one action; "other_owner" owns another.
ANONYMOUS = "anonymous"
SCRUTINY = "scrutiny member"
OWNER = "action owner"
LEADER = "senior leader"
TEAM = "improvement team"
ROLES = [ANONYMOUS, SCRUTINY, OWNER, LEADER, TEAM]
# Walks the admin only: the one person who may open it (tests/test_url_walk.py).
SYSTEM_ADMINISTRATOR = "system administrator"

# Pages anyone may open without signing in.
PUBLIC_PAGES = {"accounts:sign_in", "accounts:sign_out", "accessibility", "healthz"}
# A person's own feed tokens and reminder preferences: any officer may change
# theirs; scrutiny members, read-only everywhere, may not.
PERSONAL_PAGES = {"progress:token_create", "progress:token_revoke", "accounts:preferences"}
# Writes that everyone may make: signing in and out change only their own session.
SESSION_PAGES = {"accounts:sign_in", "accounts:sign_out"}
# Feeds answer to a feed token, never to a session: the walk holds no token, so
# every role, signed in or not, is refused with 401 (tests/progress test the tokens).
TOKEN_PAGES = {
    "progress:feed_actions",
    "progress:feed_findings",
    "progress:feed_ratings",
    "progress:feed_measure_values",
    "progress:feed_calendar",
}
# Views written as functions say little about themselves: they are taken to read
# unless they carry a write ``permission_verb`` or are listed here as "write" (as
# are the token pages, class views that write with no permission verb to say so).
FUNCTION_VIEWS = {"admin:index": "read", **dict.fromkeys(PERSONAL_PAGES, "write")}

# Parameter names that mean "the view's own record".
PK_PARAMS = {"pk", "id", "object_id"}
HISTORY_PARAMS = {"history_id", "history_pk", "history", "version", "version_id"}
APP_LABEL_PARAMS = {"app_label", "app"}
MODEL_NAME_PARAMS = {"model_name", "model"}
CONTENT_TYPE_PARAMS = {"content_type", "content_type_id", "content_type_pk", "ct", "ct_id"}

# Pages whose parameters the rules above cannot explain: name -> function of the
# samples returning a list of kwargs dicts (or of Variants).
KWARGS_OVERRIDES: dict = {
    # Each download, as a CSV file and as a workbook.
    **dict.fromkeys(
        [
            "progress:export_actions",
            "progress:export_findings",
            "progress:export_ratings",
            "progress:export_measure_values",
        ],
        lambda samples: [{"file_format": "csv"}, {"file_format": "xlsx"}],
    ),
    # The admin's page of each app with models in the admin.
    "admin:app_list": lambda samples: [
        {"app_label": label} for label in sorted(_admin_app_labels())
    ],
}


def _admin_model(name):
    """The model an admin page is about, read from its name
    (``admin:inspections_visit_change``); None for any other page."""
    from django.contrib import admin

    if not name.startswith("admin:"):
        return None
    for model in admin.site._registry:
        if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            return model
    return None


def _admin_app_labels():
    from django.contrib import admin

    return {model._meta.app_label for model in admin.site._registry}


# Pages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    route: str
    params: tuple
    callback: object
    view_class: type | None
    model: type | None
    verb: str | None
    post_only: bool
    kind: str | None = None  # "read" or "write" for function views (FUNCTION_VIEWS)
    positional: bool = False  # its URL is filled in by position (POSITIONAL_PARAMS)
    converters: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_write(self):
        if self.kind:
            return self.kind == "write"
        return self.verb in WRITE_VERBS or self.post_only

    @property
    def is_public(self):
        return self.name in PUBLIC_PAGES

    @property
    def is_admin(self):
        return self.name.startswith("admin:")

    @property
    def instance_model(self):
        """The audited model behind a history model, or the model itself."""
        return getattr(self.model, "instance_type", self.model)

    def __str__(self):
        return f"{self.name} (/{self.route})"


def _converters(pattern):
    return dict(getattr(pattern, "converters", None) or {})


# Patterns whose groups have no names, by the end of their URL name: simple-history's
# page of one past version takes the record's id and the version's, in that order.
POSITIONAL_PARAMS = {"_simple_history": ("object_id", "version_id")}


def _positional_names(pattern, name):
    regex = getattr(pattern, "regex", None)
    if regex is None or not regex.groups or regex.groupindex:
        return None
    for ending, names in POSITIONAL_PARAMS.items():
        if (name or "").endswith(ending) and len(names) == regex.groups:
            return names
    raise AssertionError(
        f"The pattern {pattern} ({name}) has unnamed groups: add it to POSITIONAL_PARAMS"
    )


def _params(pattern):
    converters = getattr(pattern, "converters", None)
    if converters:
        return list(converters)
    regex = getattr(pattern, "regex", None)
    return list(regex.groupindex) if regex is not None else []


def url_for(page, kwargs):
    """The URL of ``page`` filled in with ``kwargs``, by position where its pattern
    names no groups."""
    if page.positional:
        return reverse(page.name, args=[kwargs[name] for name in page.params])
    return reverse(page.name, kwargs=kwargs)


def _model_of(view_class):
    model = getattr(view_class, "model", None)
    if model is None:
        queryset = getattr(view_class, "queryset", None)
        model = getattr(queryset, "model", None)
    return model


def _post_only(view_class):
    methods = getattr(view_class, "http_method_names", ())
    return "get" not in methods or not hasattr(view_class, "get")


def _is_file_server(callback):
    module = getattr(callback, "__module__", "") or ""
    return module.startswith(("django.views.static", "django.contrib.staticfiles"))


def discover_pages(resolver=None):
    """Every named page of the URLconf, through every ``include()``, the Django
    admin's included: only a system administrator may open any of it."""
    resolver = resolver or get_resolver()
    found = {}

    def walk(patterns, prefix, namespace, params, in_admin, converters):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            entry_params = params + _params(entry.pattern)
            entry_converters = {**converters, **_converters(entry.pattern)}
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(
                    entry.url_patterns,
                    route,
                    ns,
                    entry_params,
                    in_admin or entry.app_name == "admin",
                    entry_converters,
                )
                continue
            assert isinstance(entry, URLPattern)
            if _is_file_server(entry.callback):
                continue
            if in_admin and not entry.name:
                continue  # the admin's unnamed redirect from a record to its change page
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            if not name:
                raise AssertionError(
                    f"The page at /{route} has no name: give it one, so it can be walked"
                )
            if name in found:
                continue  # an earlier pattern with the same name wins in reverse() too
            positional = _positional_names(entry.pattern, entry.name)
            if positional:
                entry_params = params + list(positional)
            view_class = getattr(entry.callback, "view_class", None)
            kind = FUNCTION_VIEWS.get(name)
            if view_class is None and kind is None:
                # A function view that does not say otherwise is taken to read. A write
                # it makes anyway still shows: the walk checks that nobody refused, and
                # no scrutiny member, changes a single history row.
                kind = (
                    "write"
                    if getattr(entry.callback, "permission_verb", None) in WRITE_VERBS
                    else "read"
                )
            found[name] = Page(
                name=name,
                route=route,
                params=tuple(entry_params),
                callback=entry.callback,
                view_class=view_class,
                model=_model_of(view_class) if view_class else _admin_model(name),
                verb=getattr(view_class or entry.callback, "permission_verb", None),
                post_only=_post_only(view_class) if view_class else False,
                kind=kind,
                positional=bool(positional),
                converters=entry_converters,
            )

    walk(resolver.url_patterns, "", "", [], False, {})
    return list(found.values())


def pages_by_name():
    return {page.name: page for page in discover_pages()}


# Sample records -------------------------------------------------------------------------


@dataclass
class Samples:
    users: dict  # role -> user (None for anonymous), plus "other owner"
    live: dict = field(default_factory=dict)  # model -> [records], the first the "main" one
    deleted: dict = field(default_factory=dict)  # model -> the history row of its deletion

    # model -> the records worth a URL each, where not all of them are
    vary: dict = field(default_factory=dict)

    def of(self, model):
        return self.live.get(model, [])

    def varied(self, model):
        """The records of ``model`` the walk fills URLs in with: one of each state."""
        return self.vary.get(model, self.of(model))

    def first(self, model):
        records = self.of(model)
        return records[0] if records else None

    @property
    def audited_models(self):
        return [model for model in self.live if hasattr(model, "history")]


def build_samples():
    """One of everything, in each state a page treats differently: a published and
    an unpublished visit, the owner's action and someone else's, a record deleted
    (for restore pages), each with the history rows real writes leave."""
    from actions.models import ActionUpdate, Evidence, Impact, ImprovementAction, Status
    from findings.models import AreaRating, Finding
    from inspections.models import (
        AreaOfConcern,
        Inspection,
        Judgement,
        LocalAuthority,
        Visit,
        VisitArea,
    )
    from measures.models import Measure, MeasureValue
    from progress.models import FeedToken

    User = apps.get_model(settings.AUTH_USER_MODEL)
    make = factories.UserFactory
    users = {
        ANONYMOUS: None,
        # Staff, as an older demo database made the three roles: being staff alone
        # opens nothing of the admin.
        SCRUTINY: make(role=SCRUTINY_MEMBER, full_name="Councillor Cara Scrutiny", is_staff=True),
        OWNER: make(full_name="Owen Owner", job_title="Head of Service"),
        LEADER: make(role=SENIOR_LEADER, full_name="Sam Leader", is_staff=True),
        TEAM: make(role=IMPROVEMENT_TEAM, full_name="Imogen Team", is_staff=True),
        "other owner": make(full_name="Olive Other", job_title="Service manager"),
        SYSTEM_ADMINISTRATOR: make(full_name="Ada Admin", is_staff=True, is_superuser=True),
    }
    team = users[TEAM]
    # The improvement team's walker leads the work, as the demo's officer does: she
    # gives and removes roles.
    team.user_permissions.add(manage_roles_permission())

    authority = factories.LocalAuthorityFactory()
    inspection = factories.InspectionFactory(authority=authority)
    unpublished_inspection = factories.InspectionFactory(
        authority=authority,
        kind=Inspection.Kind.ILACS_SHORT,
        start_date=datetime.date(2024, 6, 3),
        end_date=datetime.date(2024, 6, 7),
        published_on=None,
    )
    judgement = factories.JudgementFactory(inspection=inspection)
    areas = [
        factories.AreaOfConcernFactory(identified_at=inspection, title=title)
        for title in (
            "Help and protection at the front door",
            "Management oversight and supervision",
            "Care leavers' pathway plans",
        )
    ]
    published = factories.VisitFactory(authority=authority, follows=inspection, number=1)
    unpublished = factories.VisitFactory(
        authority=authority,
        follows=inspection,
        number=2,
        start_date=datetime.date(2024, 9, 10),
        end_date=datetime.date(2024, 9, 11),
        letter_date=datetime.date(2024, 10, 1),
        is_published=False,
        published_on=None,
    )
    links = [
        factories.VisitAreaFactory(visit=visit, area=area, position=position)
        for visit in (published, unpublished)
        for position, area in enumerate(areas, start=1)
    ]
    ratings = [
        factories.AreaRatingFactory(visit=visit, area=areas[0])
        for visit in (published, unpublished)
    ]
    findings = [
        factories.FindingFactory(visit=published, area=areas[0], summary="Referrals are timely"),
        factories.FindingFactory(
            visit=unpublished, area=areas[1], summary="Supervision is not yet regular"
        ),
    ]
    own = factories.ImprovementActionFactory(
        owner=users[OWNER], title="Audit supervision records monthly"
    )
    other = factories.ImprovementActionFactory(
        owner=users["other owner"], title="Recruit permanent team managers"
    )
    # Done, with its impact shown: waiting for a senior leader's sign-off.
    ready = factories.ImprovementActionFactory(
        owner=users["other owner"],
        title="Publish the revised threshold document",
        status=Status.COMPLETED,
        completed_on=datetime.date.today(),
        impact=Impact.EVIDENCED,
    )
    for action, finding in ((own, findings[0]), (other, findings[1])):
        action.findings.add(finding)
        action.areas.add(finding.area)
    # A measure shared with councillors and one that is not, each with a figure.
    measures = [
        factories.MeasureFactory(
            title="Children seen alone at assessment",
            owner=users[OWNER],
            areas=[areas[0]],
            shareable_with_scrutiny=True,
        ),
        factories.MeasureFactory(
            title="Average social work caseload",
            unit="number",
            higher_is_better=False,
            target=18,
            areas=[areas[1]],
            shareable_with_scrutiny=False,
        ),
    ]
    measure_values = [
        factories.MeasureValueFactory(measure=measure, period=datetime.date(2024, 1, 1))
        for measure in measures
    ]
    # Two more months each, so a measure's chart draws its lines and marks the
    # published visit's month (March 2024); the walk visits the first month's pages.
    for measure in measures:
        for month, figure in ((2, 84), (3, 88)):
            factories.MeasureValueFactory(
                measure=measure, period=datetime.date(2024, month, 1), value=figure
            )
    own.measures.add(measures[0])
    other.measures.add(measures[1])
    updates = [
        factories.ActionUpdateFactory(action=own, shareable_with_scrutiny=True),
        factories.ActionUpdateFactory(action=other, shareable_with_scrutiny=False),
    ]
    # Files, not links, so that the pages that hand out files have one to hand out.
    evidence = [
        factories.EvidenceFactory(
            action=action,
            update=update,
            url="",
            file=ContentFile(b"%PDF-1.4 audit summary\n", name="audit-summary.pdf"),
        )
        for action, update in ((own, updates[0]), (other, updates[1]))
    ]

    # Calendar tokens for the page that revokes one: the owner's, someone else's
    # (the improvement team may revoke it, nobody else may know of it) and a
    # councillor's own.
    feed_tokens = [
        FeedToken.issue(users[who], FeedToken.Purpose.CALENDAR, "Outlook")[0]
        for who in (OWNER, "other owner", SCRUTINY)
    ]

    samples = Samples(users=users)
    # Three areas make a realistic visit, but they are all in the same state; the
    # areas covered by the published visit and by the unpublished one differ.
    samples.vary = {AreaOfConcern: areas[:1], VisitArea: [links[0], links[len(areas)]]}
    samples.live = {
        User: [users[OWNER], users["other owner"]],
        LocalAuthority: [authority],
        Inspection: [inspection, unpublished_inspection],
        Judgement: [judgement],
        AreaOfConcern: areas,
        Visit: [published, unpublished],
        VisitArea: links,
        AreaRating: ratings,
        Finding: findings,
        ImprovementAction: [own, other, ready],
        ActionUpdate: updates,
        Evidence: evidence,
        Measure: measures,
        MeasureValue: measure_values,
        FeedToken: feed_tokens,
        Group: list(
            Group.objects.filter(name__in=[IMPROVEMENT_TEAM, SENIOR_LEADER, SCRUTINY_MEMBER])
        ),
        # Sign-in attempts, for the admin's pages of them.
        **_sign_in_attempts(),
    }

    # A committee pack frozen over the records above, for the pack pages.
    from progress.models import CommitteePack
    from progress.packs import freeze

    pack = CommitteePack(title="Scrutiny committee", committee_date=datetime.date.today())
    samples.live[CommitteePack] = [freeze(pack, team)]

    # One deleted record of each audited kind, deleted by the improvement team, for
    # the pages that show or restore a deleted record.
    doomed = {
        LocalAuthority: lambda: factories.LocalAuthorityFactory(name="Gone Borough Council"),
        Inspection: lambda: factories.InspectionFactory(authority=authority),
        Judgement: lambda: factories.JudgementFactory(
            inspection=inspection, area=Judgement.Area.LEADERS
        ),
        AreaOfConcern: lambda: factories.AreaOfConcernFactory(identified_at=inspection),
        Visit: lambda: factories.VisitFactory(authority=authority, follows=inspection, number=9),
        VisitArea: lambda: _extra_visit_area(published, inspection),
        AreaRating: lambda: factories.AreaRatingFactory(visit=published, area=areas[2]),
        Finding: lambda: factories.FindingFactory(visit=published, summary="Withdrawn finding"),
        ImprovementAction: lambda: factories.ImprovementActionFactory(owner=users[OWNER]),
        ActionUpdate: lambda: factories.ActionUpdateFactory(action=own),
        Evidence: lambda: factories.EvidenceFactory(action=own),
        Measure: lambda: factories.MeasureFactory(title="Withdrawn measure"),
        MeasureValue: lambda: factories.MeasureValueFactory(
            measure=measures[0], period=datetime.date(2023, 12, 1)
        ),
    }
    for model, make_one in doomed.items():
        record = make_one()
        pk = record.pk
        delete_as(record, team)
        samples.deleted[model] = model.history.filter(id=pk, history_type="-").latest(
            "history_date"
        )
    return samples


def prepare_session(client, samples):
    """What a signed-in person's session holds before the walk: a letter and a file of
    figures waiting for review, so that both review pages are walked as they show,
    not only as their redirects to the start. Refused people never see them either way."""
    from dataclasses import asdict

    from findings.import_drafts import SESSION_KEY, Draft, fingerprint
    from inspections.models import AreaOfConcern, LocalAuthority

    authority = samples.first(LocalAuthority)
    parsed = {
        "authority": authority.name,
        "visit_kind": "monitoring",
        "visit_start": "2025-01-14",
        "visit_end": "2025-01-15",
        "visit_number": 3,
        "inspectors": ["First Inspector", "Second Inspector"],
        "areas_covered": [area.title for area in samples.of(AreaOfConcern)[:2]],
        "headline_findings": ["Leaders have a credible plan."],
        "findings": ["Referrals are timely.", "Supervision is not yet regular."],
    }
    text = "A monitoring visit letter, as pasted."
    draft = Draft(
        token="walk",
        kind="letter",
        authority_id=authority.pk,
        text=text,
        sha256=fingerprint(text),
        parsed=parsed,
    )
    session = client.session
    session[SESSION_KEY] = asdict(draft)
    # And a file of figures waiting for review, naming the owner's measure, so that
    # the review of an upload is walked as it shows too.
    from measures import upload_store
    from measures.models import Measure

    measure = samples.first(Measure)
    upload_store.hold(
        session, "figures.csv", f"measure,period,value\r\n{measure.title},2024-03,90\r\n".encode()
    )
    session.save()


def _sign_in_attempts():
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    seen = {
        "user_agent": "Firefox",
        "ip_address": "192.0.2.10",
        "username": "someone@council.example",
        "http_accept": "text/html",
        "path_info": "/sign-in/",
    }
    return {
        AccessAttempt: [
            AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=2)
        ],
        AccessLog: [AccessLog.objects.create(**seen)],
        AccessFailureLog: [AccessFailureLog.objects.create(**seen)],
    }


def _extra_visit_area(visit, inspection):
    area = factories.AreaOfConcernFactory(identified_at=inspection, title="Removed from visit")
    return factories.VisitAreaFactory(visit=visit, area=area, position=99)


# URL parameters -------------------------------------------------------------------------


class Uncovered(AssertionError):
    """A page whose URL parameters the walk cannot fill in."""


@dataclass
class Variant:
    """One way to fill in a page's URL: the kwargs and the records they stand for."""

    kwargs: dict
    objects: tuple = ()
    label: str = ""

    def action(self):
        """The improvement action this URL is about, if any."""
        from actions.models import ImprovementAction

        for obj in self.objects:
            if isinstance(obj, ImprovementAction):
                return obj
            action = getattr(obj, "action", None)
            if isinstance(action, ImprovementAction):
                return action
        return None

    def is_internal(self):
        """Whether any record in this URL is hidden from scrutiny members."""
        return any(not getattr(obj, "visible_to_scrutiny", True) for obj in self.objects)


def _aliases():
    """Parameter stems that name a model: its model name, its verbose name without
    spaces or with underscores, and the short words the house uses."""
    table = {}
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges):
            continue
        meta = model._meta
        for word in (
            meta.model_name,
            str(meta.verbose_name).replace(" ", ""),
            str(meta.verbose_name).replace(" ", "_"),
            str(meta.verbose_name_plural).replace(" ", "_"),
        ):
            table.setdefault(word.lower(), model)
    from actions.models import ActionUpdate, ImprovementAction
    from findings.models import AreaRating
    from inspections.models import AreaOfConcern, LocalAuthority

    table.update(
        {
            "action": ImprovementAction,
            "update": ActionUpdate,
            "area": AreaOfConcern,
            "concern": AreaOfConcern,
            "rating": AreaRating,
            "authority": LocalAuthority,
            "la": LocalAuthority,
            "person": apps.get_model(settings.AUTH_USER_MODEL),
            "owner": apps.get_model(settings.AUTH_USER_MODEL),
        }
    )
    return table


def model_for_word(word):
    """The model a word names: ``visit``, ``visits``, ``areas-of-concern``, ``action``,
    or the one model whose name ends with it (``tokens``: ``FeedToken``)."""
    table = _aliases()
    word = word.lower().replace("-", "_")
    stems = []
    for candidate in (word, word.replace("_", "")):
        for stem in (candidate, candidate[:-1] if candidate.endswith("s") else None):
            if stem and stem in table:
                return table[stem]
            if stem:
                stems.append(stem)
    for stem in stems:
        ending = {model for name, model in table.items() if name.endswith(stem)}
        if len(ending) == 1:
            return ending.pop()
    return None


def model_for_param(name):
    stem = name
    for suffix in ("_pk", "_id", "_slug"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return model_for_word(stem)


def pk_model(page):
    """The model whose records ``pk`` stands for in ``page``'s URL.

    The view's own model, for a view of one record. A view that makes a record (or
    has no model) takes ``pk`` from the URL: the word before it names the model, as
    in ``actions/<int:pk>/update/`` or ``visits/<int:pk>/findings/new/``.
    """
    view_class = page.view_class
    makes = view_class is not None and issubclass(view_class, BaseCreateView)
    if page.model is not None and not makes:
        return page.instance_model
    segments = page.route.split("/")
    for index, segment in enumerate(segments):
        if any(f":{p}>" in segment or f"<{p}>" in segment for p in PK_PARAMS) and index:
            model = model_for_word(segments[index - 1])
            if model is not None:
                return model
    return page.instance_model


def related(obj, model):
    """``obj`` itself, or the record of ``model`` it points to (one or two steps away)."""
    if obj is None:
        return None
    if isinstance(obj, model):
        return obj
    fields = [f for f in obj._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    for f in fields:
        if f.related_model is model:
            return getattr(obj, f.name)
    for f in fields:
        middle = getattr(obj, f.name)
        if middle is None:
            continue
        for g in middle._meta.concrete_fields:
            if isinstance(g, models.ForeignKey) and g.related_model is model:
                return getattr(middle, g.name)
    return None


def _field_value(obj, name):
    try:
        obj._meta.get_field(name)
    except Exception:
        return None
    value = getattr(obj, name, None)
    return value if value not in (None, "") else None


def variants(page, samples):
    """Every way the walk fills in ``page``'s URL; raises ``Uncovered`` if it cannot."""
    if page.name in KWARGS_OVERRIDES:
        made = KWARGS_OVERRIDES[page.name](samples)
        return [v if isinstance(v, Variant) else Variant(kwargs=v) for v in made]
    # A parameter whose converter allows a few fixed words (``csv|xlsx``) is walked
    # with each of them.
    choices = {p: c for p in page.params if (c := fixed_choices(page.converters.get(p)))}
    params = [p for p in page.params if p not in choices]
    found = _variants(page, params, samples) if params else [Variant(kwargs={})]
    for name, words in choices.items():
        found = [
            Variant({**v.kwargs, name: word}, v.objects, f"{v.label} {word}".strip())
            for v in found
            for word in words
        ]
    return found


def fixed_choices(converter):
    """The words a converter allows, when its pattern is a short list of them."""
    regex = getattr(converter, "regex", "")
    if regex and re.fullmatch(r"[\w.-]+(\|[\w.-]+)*", regex):
        return regex.split("|")
    return None


def _variants(page, params, samples):
    names_a_model = any(
        p in APP_LABEL_PARAMS | MODEL_NAME_PARAMS | CONTENT_TYPE_PARAMS for p in params
    )
    if names_a_model:
        contexts = list(samples.deleted) if page.verb == "restore" else samples.audited_models
    else:
        contexts = [pk_model(page)]

    found = []
    for context in contexts:
        for primary in _primaries(page, params, context, samples):
            found.append(_fill(page, params, context, primary, samples))
    if not found:
        raise Uncovered(
            f"{page}: no sample record for its parameters {params} "
            f"(view model {page.model and page.model.__name__}). {_HOW_TO_COVER}"
        )
    return found


_HOW_TO_COVER = (
    "Name URL parameters after a model (pk with the view's model set, visit_pk, action_id, "
    "history_id, ...), add the sample record to tests/walk.py's build_samples, or add the "
    "page to KWARGS_OVERRIDES there."
)


def _primaries(page, params, context, samples):
    """The records the URL is about: the deleted record's history row for a restore
    page; else each sample of the view's model, or of the model a parameter names."""
    historical = page.model is not None and issubclass(page.model, HistoricalChanges)
    if page.verb == "restore" or (historical and any(p in PK_PARAMS for p in params)):
        row = samples.deleted.get(context)
        return [row] if row is not None else []
    if context is not None and any(p in PK_PARAMS for p in params):
        return samples.varied(context)
    for p in params:
        model = model_for_param(p)
        if model is not None and model is context:
            return samples.varied(model)
    for p in params:
        model = model_for_param(p)
        if model is not None:
            return samples.varied(model)
    if context is not None and samples.of(context):
        return samples.of(context)[:1]
    return []


def _fill(page, params, context, primary, samples):
    kwargs, objects = {}, [primary]
    historical = isinstance(primary, HistoricalChanges)
    for p in params:
        value = None
        if p in PK_PARAMS:
            value = primary.history_id if historical else primary.pk
        elif p in HISTORY_PARAMS:
            if historical:
                row = primary
            else:
                live = related(primary, context) if context else None
                row = (
                    live.history.first() if live is not None and hasattr(live, "history") else None
                )
            value = row.history_id if row is not None else None
        elif p in APP_LABEL_PARAMS and context is not None:
            value = context._meta.app_label
        elif p in MODEL_NAME_PARAMS and context is not None:
            value = context._meta.model_name
        elif p in CONTENT_TYPE_PARAMS and context is not None:
            value = ContentType.objects.get_for_model(context).pk
        elif (model := model_for_param(p)) is not None:
            record = None if historical else related(primary, model)
            record = record or samples.first(model)
            if record is not None:
                value = record.pk
                if record not in objects:
                    objects.append(record)
        elif not historical:
            value = _field_value(primary, p)
        if value is None:
            raise Uncovered(f"{page}: cannot work out a value for <{p}>. {_HOW_TO_COVER}")
        kwargs[p] = value
    label = ", ".join(f"{type(o).__name__} {o.pk}" for o in objects if o is not None)
    return Variant(kwargs=kwargs, objects=tuple(o for o in objects if o is not None), label=label)


@dataclass
class Target:
    """One URL to request: a page, filled in one way."""

    page: Page
    variant: Variant
    url: str

    def __str__(self):
        suffix = f" [{self.variant.label}]" if self.variant.label else ""
        return f"{self.page.name} {self.url}{suffix}"


def targets(samples, pages=None):
    """(targets, problems): every URL the walk requests, and the pages it could not fill."""
    found, problems = [], []
    for page in pages if pages is not None else discover_pages():
        try:
            for variant in variants(page, samples):
                found.append(Target(page, variant, url_for(page, variant.kwargs)))
        except Uncovered as problem:
            problems.append(str(problem))
    return found, problems


# Reading pages --------------------------------------------------------------------------


class _Controls(html.parser.HTMLParser):
    """The links and forms of a page, as (kind, url, method)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.found.append(("link", attrs["href"], "get"))
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.found.append(("form", attrs.get("action") or "", method))
        elif tag in {"button", "input"} and attrs.get("formaction"):
            method = (attrs.get("formmethod") or "post").lower()
            self.found.append(("form", attrs["formaction"], method))


def controls(html_text, page_url):
    """The internal links and forms on a page, each with the page it leads to.

    Returns (kind, url, method, page name or None). Links off the site, to static
    or uploaded files, and to fragments of the same page are left out.
    """
    parser = _Controls()
    parser.feed(html_text)
    found = []
    for kind, url, method in parser.found:
        if url.startswith(("mailto:", "tel:", "javascript:")):
            continue
        if url.startswith("#"):
            continue
        absolute = urljoin(f"http://testserver{page_url}", url)
        parts = urlsplit(absolute)
        if parts.netloc != "testserver":
            continue
        if parts.path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            continue
        try:
            name = resolve(parts.path).view_name
        except Resolver404:
            name = None
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        found.append((kind, path, method, name))
    return found
