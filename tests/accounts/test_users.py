"""Signing in by e-mail address, making superusers, and what the audit trail keeps
about people."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from accounts.models import User

from .. import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def ada():
    return factories.UserFactory(email="ada@council.example", full_name="Ada Lovelace")


@pytest.mark.parametrize(
    "typed", ["ada@council.example", "Ada@Council.Example", "ADA@COUNCIL.EXAMPLE"]
)
def test_it_signs_in_with_the_address_in_any_case(ada, typed):
    assert authenticate(RequestFactory().get("/"), email=typed, password=PASSWORD) == ada


def test_it_refuses_the_wrong_password(ada):
    assert authenticate(RequestFactory().get("/"), email=ada.email, password="wrong") is None


@pytest.mark.parametrize("typed", ["ada@council.example", "Ada@Council.EXAMPLE"])
def test_it_finds_a_person_by_address_in_any_case(ada, typed):
    assert User.objects.get_by_natural_key(typed) == ada


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda email: User.objects.create_user(email, PASSWORD), id="create_user"),
        pytest.param(
            lambda email: User.objects.create_superuser(email, PASSWORD), id="create_superuser"
        ),
        pytest.param(lambda email: factories.UserFactory(email=email), id="save"),
    ],
)
def test_it_stores_the_address_in_lower_case(make):
    assert make("  Grace.Hopper@Council.Example ").email == "grace.hopper@council.example"


def test_it_needs_an_address_to_make_a_person():
    with pytest.raises(ValueError, match="e-mail address"):
        User.objects.create_user("", PASSWORD)


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser", "is_active"])
def test_it_makes_a_superuser_who_may_do_everything(flag):
    superuser = User.objects.create_superuser("root@council.example", PASSWORD, is_staff=False)
    assert getattr(superuser, flag)


def test_it_gives_a_superuser_their_password():
    superuser = User.objects.create_superuser("root@council.example", PASSWORD)
    assert superuser.check_password(PASSWORD)


def test_it_makes_an_ordinary_person_neither_staff_nor_superuser():
    person = User.objects.create_user("officer@council.example", PASSWORD)
    assert (person.is_staff, person.is_superuser) == (False, False)


@pytest.mark.parametrize("field", ["password", "last_login"])
def test_it_keeps_passwords_and_sign_in_times_out_of_history(field):
    assert field not in {f.name for f in User.history.model._meta.get_fields()}


def test_it_writes_no_history_row_when_someone_signs_in(ada, client):
    rows = ada.history.count()
    client.force_login(ada)
    ada.refresh_from_db()
    assert ada.last_login is not None
    assert ada.history.count() == rows


def test_it_writes_no_history_row_when_a_password_hash_is_upgraded(ada):
    rows = ada.history.count()
    ada.set_password("a new passphrase entirely")
    ada.save(update_fields=["password"])
    assert ada.history.count() == rows


def test_it_still_records_other_changes_to_a_person(ada):
    rows = ada.history.count()
    ada.job_title = "Director of children's services"
    ada.save(update_fields=["job_title"])
    assert ada.history.count() == rows + 1


@pytest.mark.parametrize(
    ("person", "label"),
    [
        pytest.param({"job_title": "Head of Service"}, "Head of Service", id="by-job-title"),
        pytest.param({"job_title": ""}, "Council officer", id="without-a-job-title"),
    ],
)
def test_it_shows_scrutiny_members_a_role_not_a_name(person, label):
    assert factories.UserFactory(**person).public_label == label
