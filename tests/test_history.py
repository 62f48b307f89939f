"""Every write names who made it: added, changed and deleted, through the Django
admin (HistoryRequestMiddleware supplies the signed-in person) and through the
app's forms (AuditedModelForm and AuditedDeleteForm are told who), cascaded
deletions and many-to-many changes included.

One row of ``AUDITED`` per model drives every test; ``post_data`` turns a record
into what a browser would post.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from accounts.forms import AuditedDeleteForm
from accounts.models import User
from actions.forms import ActionUpdateForm, EvidenceForm, ImprovementActionForm
from actions.models import ActionUpdate, Evidence, ImprovementAction
from findings.forms import AreaRatingForm, FindingForm
from findings.models import AreaRating, Finding
from inspections.forms import (
    AreaOfConcernForm,
    InspectionForm,
    JudgementForm,
    LocalAuthorityForm,
    VisitAreaForm,
    VisitForm,
)
from inspections.models import (
    AreaOfConcern,
    Grade,
    Inspection,
    Judgement,
    LocalAuthority,
    Visit,
    VisitArea,
)

from . import factories
from .post_data import admin_data, form_data

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ADDED, CHANGED, DELETED = "+", "~", "-"


@dataclass(frozen=True)
class Audited:
    model: type
    factory: Any  # makes a saved record
    build: Any  # makes an unsaved record whose related records are saved
    change: dict  # a change to make to a saved record
    form: Any = None  # the app's form, where it has one
    admin_add_extra: dict = field(default_factory=dict)

    def __str__(self):
        return self.model.__name__


def new_visit():
    inspection = factories.InspectionFactory()
    return factories.VisitFactory.build(authority=inspection.authority, follows=inspection)


AUDITED = [
    Audited(
        User,
        factories.UserFactory,
        factories.UserFactory.build,
        {"job_title": "Director of children's services"},
        admin_add_extra={"password1": PASSWORD, "password2": PASSWORD},
    ),
    Audited(
        LocalAuthority,
        lambda: factories.LocalAuthorityFactory(name="Torbay Council"),
        lambda: factories.LocalAuthorityFactory.build(name="Plymouth City Council"),
        {"ofsted_code": "879"},
        LocalAuthorityForm,
    ),
    Audited(
        Inspection,
        factories.InspectionFactory,
        lambda: factories.InspectionFactory.build(authority=factories.LocalAuthorityFactory()),
        {"end_date": datetime.date(2020, 1, 31)},
        InspectionForm,
    ),
    Audited(
        Judgement,
        factories.JudgementFactory,
        lambda: factories.JudgementFactory.build(inspection=factories.InspectionFactory()),
        {"grade": Grade.REQUIRES_IMPROVEMENT},
        JudgementForm,
    ),
    Audited(
        AreaOfConcern,
        factories.AreaOfConcernFactory,
        lambda: factories.AreaOfConcernFactory.build(identified_at=factories.InspectionFactory()),
        {"status": AreaOfConcern.Status.CLOSED},
        AreaOfConcernForm,
    ),
    Audited(
        Visit,
        factories.VisitFactory,
        new_visit,
        {"letter_date": datetime.date(2024, 4, 2)},
        VisitForm,
    ),
    Audited(
        VisitArea,
        factories.VisitAreaFactory,
        lambda: factories.VisitAreaFactory.build(
            visit=factories.VisitFactory(), area=factories.AreaOfConcernFactory()
        ),
        {"position": 99},
        VisitAreaForm,
    ),
    Audited(
        Finding,
        factories.FindingFactory,
        lambda: factories.FindingFactory.build(visit=factories.VisitFactory()),
        {"kind": Finding.Kind.STRENGTH},
        FindingForm,
    ),
    Audited(
        AreaRating,
        factories.AreaRatingFactory,
        lambda: factories.AreaRatingFactory.build(
            visit=factories.VisitFactory(), area=factories.AreaOfConcernFactory()
        ),
        {"rating": AreaRating.Rating.IMPROVED},
        AreaRatingForm,
    ),
    Audited(
        ImprovementAction,
        factories.ImprovementActionFactory,
        lambda: factories.ImprovementActionFactory.build(owner=factories.UserFactory()),
        {"due_date": datetime.date(2030, 1, 31)},
        ImprovementActionForm,
    ),
    Audited(
        ActionUpdate,
        factories.ActionUpdateFactory,
        lambda: factories.ActionUpdateFactory.build(action=factories.ImprovementActionFactory()),
        {"note": "Audits show plans are now reviewed monthly."},
        ActionUpdateForm,
    ),
    Audited(
        Evidence,
        factories.EvidenceFactory,
        lambda: factories.EvidenceFactory.build(action=factories.ImprovementActionFactory()),
        {"title": "Audit summary, revised"},
        EvidenceForm,
    ),
]

WITH_FORMS = [audited for audited in AUDITED if audited.form]


def ids(audited):
    return str(audited)


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def admin_errors(response):
    """What the admin page complained about, for a failing assertion's message."""
    if not response.context or "adminform" not in response.context:
        return response.status_code
    inlines = [inline.formset.errors for inline in response.context["inline_admin_formsets"]]
    return response.context["adminform"].form.errors, inlines


def history_row(model, pk, history_type):
    rows = model.history.filter(**{model._meta.pk.attname: pk}, history_type=history_type)
    return rows.latest()


def changed_copy(audited, record):
    """The record as stored, with the change made but not saved."""
    copy = audited.model._default_manager.get(pk=record.pk)
    for name, value in audited.change.items():
        setattr(copy, name, value)
    return copy


def assert_changed(audited, record):
    stored = audited.model._default_manager.get(pk=record.pk)
    assert {name: getattr(stored, name) for name in audited.change} == audited.change


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("audited", AUDITED, ids=ids)
def test_it_records_who_added_it_in_the_admin(audited, admin_client, superuser):
    existing = set(audited.model._default_manager.values_list("pk", flat=True))
    data = admin_data(audited.build(), **audited.admin_add_extra)
    response = admin_client.post(admin_url(audited.model, "add"), data)
    assert response.status_code == 302, admin_errors(response)
    added = audited.model._default_manager.exclude(pk__in=existing).get()
    assert history_row(audited.model, added.pk, ADDED).history_user == superuser


@pytest.mark.parametrize("audited", AUDITED, ids=ids)
def test_it_records_who_changed_it_in_the_admin(audited, admin_client, superuser):
    record = audited.factory()
    response = admin_client.post(
        admin_url(audited.model, "change", record.pk), admin_data(changed_copy(audited, record))
    )
    assert response.status_code == 302, admin_errors(response)
    assert_changed(audited, record)
    assert history_row(audited.model, record.pk, CHANGED).history_user == superuser


@pytest.mark.parametrize("audited", AUDITED, ids=ids)
def test_it_records_who_deleted_it_in_the_admin(audited, admin_client, superuser):
    record = audited.factory()
    response = admin_client.post(admin_url(audited.model, "delete", record.pk), {"post": "yes"})
    assert response.status_code == 302, admin_errors(response)
    assert not audited.model._default_manager.filter(pk=record.pk).exists()
    assert history_row(audited.model, record.pk, DELETED).history_user == superuser


@pytest.mark.parametrize("audited", WITH_FORMS, ids=ids)
def test_it_records_who_added_it_through_its_form(audited, improvement_officer):
    form = audited.form(data=form_data(audited.form, audited.build()), user=improvement_officer)
    assert form.is_valid(), form.errors
    added = form.save()
    assert history_row(audited.model, added.pk, ADDED).history_user == improvement_officer


@pytest.mark.parametrize("audited", WITH_FORMS, ids=ids)
def test_it_records_who_changed_it_through_its_form(audited, improvement_officer):
    record = audited.factory()
    form = audited.form(
        data=form_data(audited.form, changed_copy(audited, record)),
        instance=audited.model._default_manager.get(pk=record.pk),
        user=improvement_officer,
    )
    assert form.is_valid(), form.errors
    form.save()
    assert_changed(audited, record)
    assert history_row(audited.model, record.pk, CHANGED).history_user == improvement_officer


@pytest.mark.parametrize("audited", WITH_FORMS, ids=ids)
def test_it_records_who_deleted_it_through_the_delete_form(audited, improvement_officer):
    record = audited.factory()
    pk = record.pk  # deleting the instance forgets its primary key
    AuditedDeleteForm(instance=record, user=improvement_officer).delete()
    assert not audited.model._default_manager.filter(pk=pk).exists()
    assert history_row(audited.model, pk, DELETED).history_user == improvement_officer


def visit_with_children():
    visit = factories.VisitFactory()
    return visit, [
        factories.FindingFactory(visit=visit),
        factories.AreaRatingFactory(visit=visit),
        factories.VisitAreaFactory(visit=visit),
    ]


def inspection_with_children():
    inspection = factories.InspectionFactory()
    return inspection, [
        factories.JudgementFactory(inspection=inspection, area=Judgement.Area.OVERALL),
        factories.JudgementFactory(inspection=inspection, area=Judgement.Area.LEADERS),
    ]


def action_with_children():
    action = factories.ImprovementActionFactory()
    update = factories.ActionUpdateFactory(action=action)
    return action, [update, factories.EvidenceFactory(action=action, update=update)]


def area_with_children():
    area = factories.AreaOfConcernFactory()
    return area, [factories.VisitAreaFactory(area=area), factories.AreaRatingFactory(area=area)]


def delete_through_the_form(record, user, _client):
    AuditedDeleteForm(instance=record, user=user).delete()


def delete_in_the_admin(record, _user, client):
    response = client.post(admin_url(type(record), "delete", record.pk), {"post": "yes"})
    assert response.status_code == 302, admin_errors(response)


@pytest.mark.parametrize(
    "make",
    [visit_with_children, inspection_with_children, action_with_children, area_with_children],
)
@pytest.mark.parametrize(
    ("delete", "person"),
    [(delete_through_the_form, "improvement_officer"), (delete_in_the_admin, "superuser")],
)
def test_it_records_who_deleted_the_rows_a_deletion_cascaded_to(
    make, delete, person, request, client
):
    user = request.getfixturevalue(person)
    client.force_login(user)
    record, children = make()
    delete(record, user, client)
    for child in children:
        assert history_row(type(child), child.pk, DELETED).history_user == user, child


def area_with_a_finding():
    area = factories.AreaOfConcernFactory()
    return area, factories.FindingFactory(area=area), "area"


def update_with_evidence():
    update = factories.ActionUpdateFactory()
    return update, factories.EvidenceFactory(action=update.action, update=update), "update"


def manager_with_a_report():
    manager = factories.UserFactory()
    return manager, factories.UserFactory(line_manager=manager), "line_manager"


def pack_with_a_later_pack():
    from progress.models import CommitteePack

    author = factories.UserFactory()
    earlier = CommitteePack.objects.create(
        title="Scrutiny, June", committee_date=datetime.date(2024, 6, 1), frozen_by=author
    )
    later = CommitteePack.objects.create(
        title="Scrutiny, September",
        committee_date=datetime.date(2024, 9, 1),
        previous=earlier,
        frozen_by=author,
    )
    return earlier, later, "previous"


# Committee packs have no admin pages: they are frozen, and only ever deleted whole.
CLEARED_LINKS = [
    (make, delete, person)
    for make in (area_with_a_finding, update_with_evidence, manager_with_a_report)
    for delete, person in (
        (delete_through_the_form, "improvement_officer"),
        (delete_in_the_admin, "superuser"),
    )
] + [(pack_with_a_later_pack, delete_through_the_form, "improvement_officer")]


@pytest.mark.parametrize(("make", "delete", "person"), CLEARED_LINKS)
def test_it_records_who_cleared_the_links_a_deletion_set_to_nothing(
    make, delete, person, request, client
):
    """``on_delete=SET_NULL`` is one UPDATE without signals: the linking row still
    gets a history row naming the person who deleted, with the link empty."""
    user = request.getfixturevalue(person)
    client.force_login(user)
    record, linking, link = make()
    before = type(linking).history.filter(id=linking.pk).count()
    delete(record, user, client)
    linking.refresh_from_db()
    assert getattr(linking, link) is None
    rows = type(linking).history.filter(id=linking.pk)
    assert rows.count() == before + 1
    latest = rows.latest()
    assert latest.history_type == CHANGED
    assert latest.history_user == user
    assert getattr(latest, f"{link}_id") is None


def test_deletions_nothing_recorded_links_to_stay_one_statement():
    """Only models a recorded row links to with SET_NULL are listened for: a
    queryset of anything else (sessions, say) is still deleted in one go."""
    from django.contrib.sessions.models import Session
    from django.db.models.deletion import Collector

    assert Collector(using="default").can_fast_delete(Session.objects.all())
    assert not Collector(using="default").can_fast_delete(AreaOfConcern.objects.all())


LINKS = {
    "findings": factories.FindingFactory,
    "areas": factories.AreaOfConcernFactory,
}


def link_through_the_form(action, user, **links):
    form = ImprovementActionForm(
        data=form_data(ImprovementActionForm, action, **links), instance=action, user=user
    )
    assert form.is_valid(), form.errors
    return form.save()


@pytest.mark.parametrize("field_name", LINKS)
def test_it_records_who_linked_an_action_to_findings_or_areas(field_name, improvement_officer):
    action = factories.ImprovementActionFactory()
    written = action.history.count()
    link_through_the_form(action, improvement_officer, **{field_name: [LINKS[field_name]()]})
    new_rows = action.history.order_by("-history_id")[: action.history.count() - written]
    assert [row.history_user for row in new_rows] == [improvement_officer] * len(new_rows)
    assert new_rows


@pytest.mark.parametrize("field_name", LINKS)
def test_it_records_who_unlinked_an_action_from_findings_or_areas(field_name, senior_leader):
    action = factories.ImprovementActionFactory()
    getattr(action, field_name).add(LINKS[field_name]())
    link_through_the_form(action, senior_leader, **{field_name: []})
    latest = action.history.latest()
    assert (latest.history_user, list(getattr(latest, field_name).all())) == (senior_leader, [])


@pytest.mark.parametrize("field_name", LINKS)
def test_it_keeps_what_an_action_was_linked_to_in_its_history(field_name, improvement_officer):
    action = factories.ImprovementActionFactory()
    linked = LINKS[field_name]()
    link_through_the_form(action, improvement_officer, **{field_name: [linked]})
    rows = getattr(action.history.latest(), field_name).all()
    target = ImprovementAction._meta.get_field(field_name).related_model._meta.model_name
    assert [getattr(row, f"{target}_id") for row in rows] == [linked.pk]
