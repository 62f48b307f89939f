"""Too many wrong passwords lock one e-mail address on one network address, and
nothing else: councillors who share their council's address keep signing in."""

import datetime

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from accounts.security import client_ip_address

from .. import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
COUNCIL_ADDRESS = "203.0.113.10"
HOME_ADDRESS = "198.51.100.20"
START = datetime.datetime(2025, 3, 4, 14, 0, tzinfo=datetime.UTC)  # 2pm in London


@pytest.fixture
def ada(db):
    return factories.UserFactory(email="ada@council.example", full_name="Ada Lovelace")


@pytest.fixture
def bea(db):
    return factories.UserFactory(email="bea@council.example", full_name="Bea Councillor")


def sign_in(email, password, address, **headers):
    """One attempt from a fresh browser: the response and whether it signed in."""
    client = Client()
    response = client.post(
        reverse("accounts:sign_in"),
        {"email": email, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )
    return response, SESSION_KEY in client.session


def fail_until_locked(email, address, times=5, **headers):
    responses = [sign_in(email, "wrong password", address, **headers)[0] for _ in range(times)]
    return responses


def assert_locked_page(response, wait="15 minutes"):
    page = response.content.decode()
    assert response.status_code == 429
    assert "This account is locked on this network address" in page
    assert f"You can try again in {wait}" in page
    assert "<title>Error: Sign in" in page
    assert 'name="email"' in page, "the page is still the sign-in page"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_four_wrong_passwords_are_answered_as_wrong_passwords(ada, clock):
    for response in fail_until_locked(ada.email, COUNCIL_ADDRESS, times=4):
        assert response.status_code == 200
        assert "Enter a correct e-mail address and password" in response.content.decode()
    response, signed_in = sign_in(ada.email, PASSWORD, COUNCIL_ADDRESS)
    assert signed_in and response.status_code == 302


def test_the_fifth_wrong_password_locks_the_pair_for_fifteen_minutes(ada, bea, clock):
    *_, fifth = fail_until_locked(ada.email, COUNCIL_ADDRESS)
    assert_locked_page(fifth)
    assert "after 2:15pm" in fifth.content.decode()
    assert fifth["Retry-After"] == str(15 * 60)

    # The right password does not open it while locked.
    response, signed_in = sign_in(ada.email, PASSWORD, COUNCIL_ADDRESS)
    assert not signed_in
    assert_locked_page(response)

    # Typing the address in capitals is the same account to the lock.
    response, signed_in = sign_in("ADA@Council.Example", PASSWORD, COUNCIL_ADDRESS)
    assert not signed_in
    assert_locked_page(response)

    # Another councillor on the same council address signs in as usual.
    response, signed_in = sign_in(bea.email, PASSWORD, COUNCIL_ADDRESS)
    assert signed_in and response.status_code == 302

    # Ada herself, from another address, signs in as usual.
    response, signed_in = sign_in(ada.email, PASSWORD, HOME_ADDRESS)
    assert signed_in and response.status_code == 302


def test_the_lock_lifts_after_the_cool_off_and_tries_while_locked_do_not_extend_it(ada, clock):
    fail_until_locked(ada.email, COUNCIL_ADDRESS)

    clock.shift(datetime.timedelta(minutes=10))
    response, signed_in = sign_in(ada.email, PASSWORD, COUNCIL_ADDRESS)
    assert not signed_in
    assert_locked_page(response, wait="5 minutes")
    assert "after 2:15pm" in response.content.decode()

    clock.shift(datetime.timedelta(minutes=4, seconds=59))
    response, signed_in = sign_in(ada.email, PASSWORD, COUNCIL_ADDRESS)
    assert not signed_in
    assert_locked_page(response, wait="1 minute")

    clock.shift(datetime.timedelta(seconds=2))
    response, signed_in = sign_in(ada.email, PASSWORD, COUNCIL_ADDRESS)
    assert signed_in and response.status_code == 302


def test_signing_in_clears_the_count(ada, clock):
    fail_until_locked(ada.email, COUNCIL_ADDRESS, times=4)
    assert sign_in(ada.email, PASSWORD, COUNCIL_ADDRESS)[1]
    for response in fail_until_locked(ada.email, COUNCIL_ADDRESS, times=4):
        assert response.status_code == 200
    assert sign_in(ada.email, PASSWORD, COUNCIL_ADDRESS)[1]


def test_guessing_many_addresses_from_one_place_is_limited_on_each(ada, bea, clock):
    for person in (ada, bea):
        *_, fifth = fail_until_locked(person.email, COUNCIL_ADDRESS)
        assert_locked_page(fifth)
        assert not sign_in(person.email, PASSWORD, COUNCIL_ADDRESS)[1]


def test_a_forwarded_for_header_is_not_believed_without_a_trusted_proxy(ada, clock):
    """Otherwise each guess could claim a new address and never be locked."""
    for number in range(5):
        sign_in(
            ada.email, "wrong password", COUNCIL_ADDRESS, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}"
        )
    response, signed_in = sign_in(
        ada.email, PASSWORD, COUNCIL_ADDRESS, HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert not signed_in
    assert_locked_page(response)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_lock_is_on_the_forwarded_address(ada, clock):
    proxy = "10.0.0.5"
    fail_until_locked(ada.email, proxy, HTTP_X_FORWARDED_FOR=COUNCIL_ADDRESS)
    response, signed_in = sign_in(ada.email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=COUNCIL_ADDRESS)
    assert not signed_in
    assert_locked_page(response)
    # The same proxy passing on someone at another address: not locked.
    response, signed_in = sign_in(ada.email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=HOME_ADDRESS)
    assert signed_in


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.5"),  # no proxy trusted: the header is ignored
        (1, "192.0.2.1", "192.0.2.1"),
        # A client's own X-Forwarded-For is kept by the proxy, which appends the
        # address it saw: only that last entry is believed.
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),
        (2, "6.6.6.6, 192.0.2.1, 10.0.0.9", "192.0.2.1"),
        (2, "192.0.2.1", "10.0.0.5"),  # fewer entries than proxies: not through them all
        (1, "not an address", "10.0.0.5"),
        (1, "", "10.0.0.5"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip_address(request) == expected


def test_the_admin_sends_people_to_the_same_sign_in_page(client):
    response = client.get(reverse("admin:login"), {"next": "/admin/"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:sign_in") + "?next=/admin/"


def test_the_admin_sign_in_refuses_an_outside_next_address(client):
    response = client.get(reverse("admin:login"), {"next": "https://elsewhere.example/"})
    assert response.url == reverse("accounts:sign_in") + "?next=/admin/"


def test_someone_signed_in_without_admin_access_is_refused_not_asked_again(client, ada):
    client.force_login(ada)
    assert client.get(reverse("admin:login")).status_code == 403


def test_an_admin_signed_in_goes_on_to_the_admin(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:login"), {"next": "/admin/inspections/"})
    assert response.url == "/admin/inspections/"


def test_the_admin_is_locked_by_the_same_lockout(superuser, clock):
    fail_until_locked(superuser.email, COUNCIL_ADDRESS)
    client = Client()
    response = client.post(
        reverse("accounts:sign_in") + "?next=/admin/",
        {"email": superuser.email, "password": PASSWORD},
        REMOTE_ADDR=COUNCIL_ADDRESS,
    )
    assert_locked_page(response)
    assert client.get("/admin/", REMOTE_ADDR=COUNCIL_ADDRESS).status_code == 302
