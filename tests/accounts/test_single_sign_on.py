"""Single sign-on with the council's identity provider (OpenID Connect).

It is off unless OIDC_RP_CLIENT_ID is set, and the rest of the suite (the URL walk
included) runs with it off. Here it is switched on the way a council's server
does it: config/settings/oidc.py builds the settings from an environment, and
config/urls.py is loaded again with them. An identity provider is played by a
small HTTP server on this machine that signs its tokens with RS256, as Entra ID
does, so the whole sign-in runs: the redirect with state, nonce and PKCE, the
code exchanged for a token, the signature checked against the provider's keys,
the e-mail address read from the user-info endpoint.
"""

import base64
import hashlib
import importlib
import json
import logging
import threading
import time
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

from accounts.models import User
from accounts.roles import SCRUTINY_MEMBER
from config.settings.oidc import oidc_settings

from .. import factories, walk

pytestmark = pytest.mark.django_db

CLIENT_ID = "tracker-client-id"
CLIENT_SECRET = "tracker-client-secret"  # noqa: S105 - the made-up provider's
CALLBACK = "http://testserver/oidc/callback/"


def entra_environment(base_url="https://login.microsoftonline.com/tenant-id", **extra):
    return {
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{base_url}/oauth2/v2.0/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": f"{base_url}/oauth2/v2.0/token",
        "OIDC_OP_USER_ENDPOINT": f"{base_url}/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": f"{base_url}/discovery/v2.0/keys",
        **extra,
    }


def reload_urls():
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()


@contextmanager
def switched_on(environ):
    """The service as it runs with ``environ``: settings, and the URLs they bring."""
    extra = oidc_settings(environ, settings.INSTALLED_APPS, settings.AUTHENTICATION_BACKENDS)
    try:
        with override_settings(**extra):
            reload_urls()
            yield extra
    finally:
        reload_urls()


# The settings, from the environment -------------------------------------------------


def test_it_is_off_without_a_client_id():
    base_apps, base_backends = ["a"], ["b"]
    assert oidc_settings({}, base_apps, base_backends) == {"SINGLE_SIGN_ON_ENABLED": False}
    assert oidc_settings({"OIDC_RP_CLIENT_ID": "  "}, base_apps, base_backends) == {
        "SINGLE_SIGN_ON_ENABLED": False
    }


def test_it_is_off_in_the_suite_and_its_pages_do_not_exist(client):
    assert settings.SINGLE_SIGN_ON_ENABLED is False
    assert "mozilla_django_oidc" not in settings.INSTALLED_APPS
    assert "accounts.oidc.CouncilAccountBackend" not in settings.AUTHENTICATION_BACKENDS
    with pytest.raises(NoReverseMatch):
        reverse("oidc_authentication_init")
    assert client.get("/oidc/authenticate/").status_code == 404


def test_a_client_id_switches_it_on_with_entra_settings():
    apps = ["django.contrib.auth", "accounts"]
    backends = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
    extra = oidc_settings(entra_environment(), apps, backends)
    assert extra["SINGLE_SIGN_ON_ENABLED"] is True
    assert extra["INSTALLED_APPS"] == [*apps, "mozilla_django_oidc"]
    # axes' backend still first; password sign-in unchanged; single sign-on last.
    assert extra["AUTHENTICATION_BACKENDS"] == [*backends, "accounts.oidc.CouncilAccountBackend"]
    assert extra["OIDC_RP_CLIENT_ID"] == CLIENT_ID
    assert extra["OIDC_RP_CLIENT_SECRET"] == CLIENT_SECRET
    assert extra["OIDC_OP_AUTHORIZATION_ENDPOINT"].endswith("/oauth2/v2.0/authorize")
    assert extra["OIDC_OP_TOKEN_ENDPOINT"].endswith("/oauth2/v2.0/token")
    assert extra["OIDC_OP_USER_ENDPOINT"].endswith("/userinfo")
    assert extra["OIDC_OP_JWKS_ENDPOINT"].endswith("/discovery/v2.0/keys")
    assert extra["OIDC_RP_SIGN_ALGO"] == "RS256"
    assert extra["OIDC_CREATE_USER"] is False
    assert extra["OIDC_USE_PKCE"] is True
    assert "email" in extra["OIDC_RP_SCOPES"].split()
    # The lists it was given are not changed in place.
    assert apps == ["django.contrib.auth", "accounts"]


@pytest.mark.parametrize(("value", "creates"), [("true", True), ("1", True), ("no", False)])
def test_creating_accounts_is_the_councils_choice(value, creates):
    extra = oidc_settings(entra_environment(OIDC_CREATE_USERS=value), [], [])
    assert extra["OIDC_CREATE_USER"] is creates


def test_the_signing_algorithm_can_be_changed():
    extra = oidc_settings(entra_environment(OIDC_RP_SIGN_ALGO="ES256"), [], [])
    assert extra["OIDC_RP_SIGN_ALGO"] == "ES256"


def test_a_half_configured_provider_stops_start_up():
    environ = entra_environment()
    del environ["OIDC_OP_JWKS_ENDPOINT"]
    environ["OIDC_RP_CLIENT_SECRET"] = ""
    with pytest.raises(ImproperlyConfigured, match="OIDC_RP_CLIENT_SECRET, OIDC_OP_JWKS_ENDPOINT"):
        oidc_settings(environ, [], [])


# The sign-in page ---------------------------------------------------------------------


def test_the_sign_in_page_offers_no_council_account_when_off(client):
    page = client.get(reverse("accounts:sign_in")).content.decode()
    assert "Sign in with your council account" not in page
    assert "Use your council e-mail address and password." in page


def test_the_sign_in_page_offers_the_council_account_when_on(client):
    with switched_on(entra_environment()):
        response = client.get(reverse("accounts:sign_in"), {"next": "/actions/"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "Sign in with your council account" in page
        assert 'href="/oidc/authenticate/?next=/actions/"' in page
        # The password form is still there, alongside.
        assert 'name="email"' in page and 'name="password"' in page
        # Nothing the content security policy would block: no inline script.
        assert "<script>" not in page and " onclick=" not in page


# The backend --------------------------------------------------------------------------


@pytest.fixture
def backend():
    with switched_on(entra_environment()):
        from accounts.oidc import CouncilAccountBackend

        yield CouncilAccountBackend()


def test_people_are_matched_by_e_mail_in_any_case(backend):
    ada = factories.UserFactory(email="ada@council.example")
    factories.UserFactory(email="bea@council.example")
    assert list(backend.filter_users_by_claims({"email": "Ada@COUNCIL.example"})) == [ada]
    assert not backend.filter_users_by_claims({"email": ""}).exists()
    assert not backend.filter_users_by_claims({"sub": "no e-mail"}).exists()


@pytest.mark.parametrize(
    "claimed", ["ſilvia@council.example", "sılvia@council.example", "ｓｉｌｖｉａ@council.example"]
)
def test_a_look_alike_claim_matches_no_one_and_makes_no_account(backend, claimed):
    factories.UserFactory(email="silvia@council.example")
    assert not backend.filter_users_by_claims({"email": claimed}).exists()
    assert not backend.verify_claims({"email": claimed})


def test_claims_without_an_e_mail_address_are_refused(backend):
    assert backend.verify_claims({"email": "ada@council.example"})
    assert not backend.verify_claims({"sub": "abc", "name": "Ada"})


def test_an_account_made_on_first_sign_in_has_no_role_and_no_password(backend):
    user = backend.create_user({"email": "New.Person@Council.Example", "name": "New Person"})
    user.refresh_from_db()
    assert user.email == "new.person@council.example"
    assert user.full_name == "New Person"
    assert not user.groups.exists()
    assert not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    [row] = user.history.all()
    assert row.history_type == "+" and row.history_user == user


def test_a_password_sign_in_is_never_answered_by_the_single_sign_on_backend(backend, rf):
    request = rf.post("/sign-in/?code=stolen&state=guessed")
    assert backend.authenticate(request, email="ada@council.example", password="x") is None


# The whole sign-in, against a provider on this machine -----------------------------------


class Provider:
    """An OpenID Connect provider, as far as the service talks to one: it issues a
    code for what the browser was sent to ask (state, nonce, PKCE challenge), swaps
    the code for an RS256-signed ID token, and answers who the token belongs to."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key"
        self.codes = {}
        self.tokens = {}
        self.token_requests = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/keys":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self.answer(200, {"keys": [{**jwk, "kid": provider.kid, "alg": "RS256"}]})
                elif self.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = provider.tokens.get(token)
                    self.answer(200 if claims else 401, claims or {"error": "invalid_token"})
                else:
                    self.answer(404, {})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                provider.token_requests.append(form)
                self.answer(*provider.exchange(form))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def environment(self, **extra):
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.base_url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.base_url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.base_url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.base_url}/keys",
            **extra,
        }

    def authorize(self, authorize_url, claims):
        """What the provider does once the person has signed in there: a code
        bound to the request, and the browser sent back with it."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        assert query["client_id"] == CLIENT_ID
        assert query["redirect_uri"] == CALLBACK
        assert query["response_type"] == "code"
        assert query["code_challenge_method"] == "S256"
        code = uuid.uuid4().hex
        self.codes[code] = {"query": query, "claims": claims}
        return {"code": code, "state": query["state"]}

    def exchange(self, form):
        grant = self.codes.pop(form.get("code"), None)
        if grant is None or form.get("client_secret") != CLIENT_SECRET:
            return 400, {"error": "invalid_grant"}
        query = grant["query"]
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if challenge != query["code_challenge"] or form["redirect_uri"] != query["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        id_token = jwt.encode(
            {
                "iss": self.base_url,
                "aud": CLIENT_ID,
                "sub": uuid.uuid4().hex,
                "iat": now,
                "exp": now + 300,
                "nonce": query["nonce"],
            },
            self.key,
            algorithm="RS256",
            headers={"kid": self.kid},
        )
        access_token = uuid.uuid4().hex
        self.tokens[access_token] = grant["claims"]
        return 200, {"id_token": id_token, "access_token": access_token, "token_type": "Bearer"}


@pytest.fixture
def provider():
    provider = Provider()
    provider.thread.start()
    yield provider
    provider.server.shutdown()
    provider.server.server_close()


def sign_in_with_council_account(client, provider, claims, next_url=None):
    params = {"next": next_url} if next_url else {}
    start = client.get(reverse("oidc_authentication_init"), params, REMOTE_ADDR="203.0.113.10")
    assert start.status_code == 302
    assert start.url.startswith(f"{provider.base_url}/authorize?")
    back = provider.authorize(start.url, claims)
    return client.get(reverse("oidc_authentication_callback"), back, REMOTE_ADDR="203.0.113.10")


def test_a_council_account_signs_in_the_person_with_that_e_mail(provider, scrutiny_member):
    with switched_on(provider.environment()):
        client = Client()
        claims = {"email": scrutiny_member.email.upper(), "name": "Cara"}
        response = sign_in_with_council_account(client, provider, claims, next_url="/scrutiny/")
        assert response.status_code == 302
        assert response.url == "/scrutiny/"
        assert client.session[SESSION_KEY] == str(scrutiny_member.pk)
        # Signed in with the role they have here, and only that.
        scrutiny_member.refresh_from_db()
        assert [group.name for group in scrutiny_member.groups.all()] == [SCRUTINY_MEMBER]
        [token_request] = provider.token_requests
        assert token_request["grant_type"] == "authorization_code"
        assert token_request["redirect_uri"] == CALLBACK


def test_no_account_is_made_unless_the_council_chooses(provider, caplog):
    caplog.set_level(logging.WARNING, logger="tracker.security")
    with switched_on(provider.environment()):
        client = Client()
        response = sign_in_with_council_account(
            client, provider, {"email": "stranger@council.example"}
        )
        assert response.status_code == 302
        assert response.url == reverse("accounts:sign_in")
        assert SESSION_KEY not in client.session
        assert not User.objects.filter(email="stranger@council.example").exists()
        page = client.get(response.url).content.decode()
        assert "You could not be signed in with your council account" in page
        assert "<title>Error: Sign in" in page
        # Said once: the next visit to the page is a plain sign-in page.
        assert "You could not" not in client.get(response.url).content.decode()
    events = [(r.event, r.reason) for r in caplog.records if hasattr(r, "event")]
    assert ("single_sign_on_failed", "no account with this e-mail address") in events
    assert [r.username for r in caplog.records if getattr(r, "reason", "").startswith("no ")] == [
        "stranger@council.example"
    ]


def test_an_account_made_on_first_sign_in_gets_no_role(provider):
    with switched_on(provider.environment(OIDC_CREATE_USERS="true")):
        client = Client()
        claims = {"email": "Newcomer@Council.example", "name": "Nia Newcomer"}
        response = sign_in_with_council_account(client, provider, claims)
        assert response.status_code == 302
        user = User.objects.get(email="newcomer@council.example")
        assert client.session[SESSION_KEY] == str(user.pk)
        assert user.full_name == "Nia Newcomer"
        assert not user.groups.exists()
        assert not user.is_staff
        # Read-only until given a role: no write is open to them.
        assert client.get(reverse("inspections:inspection_create")).status_code == 403


def test_a_switched_off_account_cannot_sign_in_this_way(provider, caplog):
    caplog.set_level(logging.WARNING, logger="tracker.security")
    leaver = factories.UserFactory(email="leaver@council.example", is_active=False)
    with switched_on(provider.environment()):
        client = Client()
        response = sign_in_with_council_account(client, provider, {"email": leaver.email})
        assert response.url == reverse("accounts:sign_in")
        assert SESSION_KEY not in client.session


def test_a_provider_that_cannot_be_reached_sends_people_back_to_sign_in(provider, caplog):
    caplog.set_level(logging.WARNING, logger="tracker.security")
    unreachable = provider.environment(OIDC_OP_TOKEN_ENDPOINT="http://127.0.0.1:9/token")
    with switched_on(unreachable):
        client = Client()
        response = sign_in_with_council_account(client, provider, {"email": "a@council.example"})
        assert response.status_code == 302
        assert response.url == reverse("accounts:sign_in")
    reasons = [getattr(r, "reason", "") for r in caplog.records]
    assert any(reason.startswith("identity provider request failed") for reason in reasons)


def test_the_provider_saying_no_is_logged_and_shown(provider, caplog):
    caplog.set_level(logging.WARNING, logger="tracker.security")
    with switched_on(provider.environment()):
        client = Client()
        client.get(reverse("oidc_authentication_init"))
        response = client.get(
            reverse("oidc_authentication_callback"), {"error": "access_denied", "state": "x"}
        )
        assert response.url == reverse("accounts:sign_in")
        assert "You could not be signed in" in client.get(response.url).content.decode()
    [record] = [r for r in caplog.records if getattr(r, "event", "") == "single_sign_on_failed"]
    assert record.reason == "identity provider said access_denied"


def test_single_sign_on_is_not_counted_by_the_password_lockout(provider, scrutiny_member):
    """Failures at the provider's end do not lock the council's shared address out of
    single sign-on; password guesses are what the lockout counts."""
    with switched_on(provider.environment()):
        for _ in range(6):
            sign_in_with_council_account(Client(), provider, {"email": "nobody@council.example"})
        client = Client()
        sign_in_with_council_account(client, provider, {"email": scrutiny_member.email})
        assert client.session[SESSION_KEY] == str(scrutiny_member.pk)
        # And the password form still signs people in from that address.
        response = Client().post(
            reverse("accounts:sign_in"),
            {"email": scrutiny_member.email, "password": walk.PASSWORD},
            REMOTE_ADDR="203.0.113.10",
        )
        assert response.status_code == 302


# The URL walk's rules, with single sign-on switched on -----------------------------------


def test_every_role_can_walk_the_service_with_single_sign_on_on():
    """The signed-in roles' full walk (tests/test_url_walk.py), with the OIDC pages
    in it; and the OIDC pages for someone signed out, who is sent to the provider
    (not to this service's sign-in page, as the walk would expect of other pages)."""
    from ..test_url_walk import walk_as

    with switched_on(entra_environment()):
        samples = walk.build_samples()
        pages = walk.pages_by_name()
        assert {"oidc_authentication_init", "oidc_authentication_callback"} <= set(pages)
        for role in walk.ROLES:
            if role == walk.ANONYMOUS:
                continue
            found, report = walk_as(role, samples)
            assert any(target.page.name == "oidc_authentication_init" for target in found)
            assert not report.problems, report.text()

        client = Client(raise_request_exception=False)
        start = client.get("/oidc/authenticate/")
        assert start.status_code == 302
        assert start.url.startswith(settings.OIDC_OP_AUTHORIZATION_ENDPOINT + "?")
        assert client.post("/oidc/authenticate/").status_code == 405
        back = client.get("/oidc/callback/")
        assert (back.status_code, back.url) == (302, reverse("accounts:sign_in"))
        assert client.post("/oidc/callback/").status_code == 405
