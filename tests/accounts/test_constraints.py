"""People cannot manage themselves, and one address signs in one person, in any case."""

import pytest

from accounts.admin import UserCreationForm

from .. import factories
from ..rules import (
    assert_database_refuses,
    assert_full_clean_refuses,
    rule,
)

pytestmark = pytest.mark.django_db


def second_person():
    factories.UserFactory(email="ada@council.example")
    return factories.UserFactory()


RULES = [
    rule(
        "own-line-manager",
        factories.UserFactory,
        lambda person: {"line_manager": person},
        "Nobody can be their own line manager.",
    ),
    rule(
        "address-taken-in-another-case",
        second_person,
        {"email": "ADA@Council.Example"},
        "Someone already signs in with this e-mail address.",
    ),
]


@pytest.mark.parametrize("broken", RULES)
def test_it_refuses_with_the_rules_message(broken):
    assert_full_clean_refuses(broken)


@pytest.mark.parametrize("broken", RULES)
def test_it_refuses_in_the_database(broken):
    assert_database_refuses(broken)


def admin_add_form(email):
    return UserCreationForm(
        data={
            "email": email,
            "full_name": "Ada Again",
            "password1": "correct horse battery staple",
            "password2": "correct horse battery staple",
        }
    )


def test_it_names_the_taken_address_on_the_admins_add_form():
    factories.UserFactory(email="ada@council.example")
    form = admin_add_form("Ada@Council.Example")
    assert form.errors == {"email": ["Someone already signs in with this e-mail address."]}


def test_it_accepts_a_new_address_on_the_admins_add_form():
    factories.UserFactory(email="ada@council.example")
    assert admin_add_form("grace@council.example").is_valid()


def test_it_lets_someone_else_be_the_line_manager():
    manager = factories.UserFactory()
    factories.UserFactory.build(line_manager=manager).full_clean()


def test_it_lets_a_person_keep_their_own_address():
    person = factories.UserFactory(email="ada@council.example")
    person.email = "ADA@council.example"
    person.full_clean()
