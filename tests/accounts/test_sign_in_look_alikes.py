"""Every spelling of one e-mail address is one person to the lockout: after five
wrong passwords, the address in capitals, in full-width letters or with a
look-alike letter ("ſ" for s, "ı" for i) is locked too, none of them brings
five more guesses, and none signs in, locked or not.

Run on SQLite and on PostgreSQL (DATABASE_URL), whose case-insensitive matching
folds "ſ" to "S" and "ı" to "I" where Python does not.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.identity import NOT_PLAIN
from accounts.models import User

from .. import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
ADDRESS = "203.0.113.10"
START = datetime.datetime(2025, 3, 4, 14, 0, tzinfo=datetime.UTC)

PLAIN = "silvia@council.example"
VARIANTS = {
    "long s": "ſilvia@council.example",
    "dotless i": "sılvıa@council.example",
    "capitals": "SILVIA@Council.Example",
    "full-width": "ｓｉｌｖｉａ@ｃｏｕｎｃｉｌ.ｅｘａｍｐｌｅ",
    "spaces around it": "  silvia@council.example ",
}
LOOK_ALIKES = {name: VARIANTS[name] for name in ("long s", "dotless i", "full-width")}


@pytest.fixture
def silvia(db):
    return factories.UserFactory(email=PLAIN, full_name="Silvia Mendes")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def sign_in(email, password):
    client = Client()
    response = client.post(
        reverse("accounts:sign_in"), {"email": email, "password": password}, REMOTE_ADDR=ADDRESS
    )
    return response, SESSION_KEY in client.session


def is_locked_page(response):
    return (
        response.status_code == 429
        and "This account is locked on this network address" in response.content.decode()
    )


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_five_wrong_passwords_lock_every_spelling_of_the_address(silvia, variant):
    for _ in range(5):
        sign_in(PLAIN, "wrong password")
    response, signed_in = sign_in(VARIANTS[variant], PASSWORD)
    assert not signed_in
    assert is_locked_page(response)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_five_wrong_passwords_in_another_spelling_lock_the_plain_address(silvia, variant):
    for _ in range(5):
        sign_in(VARIANTS[variant], "wrong password")
    response, signed_in = sign_in(PLAIN, PASSWORD)
    assert not signed_in
    assert is_locked_page(response)


def test_the_spellings_share_one_count_of_guesses(silvia):
    """One wrong guess in each of five spellings is five guesses, not one each."""
    spellings = [PLAIN, *(VARIANTS[name] for name in ("long s", "dotless i", "capitals"))]
    for spelling in spellings:
        response, _ = sign_in(spelling, "wrong password")
        assert not is_locked_page(response), spelling
    fifth, _ = sign_in(VARIANTS["full-width"], "wrong password")
    assert is_locked_page(fifth)
    for spelling in [PLAIN, *VARIANTS.values()]:
        response, signed_in = sign_in(spelling, PASSWORD)
        assert not signed_in and is_locked_page(response), spelling


@pytest.mark.parametrize("variant", sorted(LOOK_ALIKES))
def test_a_look_alike_spelling_never_signs_in_even_with_the_right_password(silvia, variant):
    response, signed_in = sign_in(LOOK_ALIKES[variant], PASSWORD)
    page = response.content.decode()
    assert not signed_in
    assert response.status_code == 200
    assert "<title>Error: " in page and "There is a problem" in page
    assert 'href="#id_email"' in page
    assert NOT_PLAIN.split(":")[0] in page


@pytest.mark.parametrize("variant", ["capitals", "spaces around it"])
def test_the_plain_address_signs_in_in_any_case(silvia, variant):
    response, signed_in = sign_in(VARIANTS[variant], PASSWORD)
    assert signed_in and response.status_code == 302


def test_a_look_alike_spelling_names_nobody_to_the_sign_in_backend(silvia):
    for spelling in LOOK_ALIKES.values():
        with pytest.raises(User.DoesNotExist):
            User.objects.get_by_natural_key(spelling)
    assert User.objects.get_by_natural_key(VARIANTS["capitals"]) == silvia


@pytest.mark.requires_postgres
def test_postgresql_would_have_matched_the_look_alikes_case_insensitively(silvia):
    """Why the lookup is exact on the one spelling: PostgreSQL's own
    case-insensitive match (UPPER on both sides) takes "ſ" and "ı" for "S" and "I"."""
    for name in ("long s", "dotless i"):
        assert list(User.objects.filter(email__iexact=VARIANTS[name])) == [silvia], name
        assert not User.objects.filter(email=VARIANTS[name]).exists()


def test_an_address_too_long_to_be_one_is_called_the_wrong_format(silvia):
    response, signed_in = sign_in("s" * 400 + "@council.example", PASSWORD)
    assert not signed_in and response.status_code == 200
    assert "Enter an e-mail address in the correct format" in response.content.decode()
