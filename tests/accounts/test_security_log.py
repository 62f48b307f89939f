"""Failed sign-ins and refused requests are written to the ``tracker.security`` log at
WARNING, with their details as fields, and never with a password."""

import json
import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from .. import factories

pytestmark = pytest.mark.django_db

LOGGER = "tracker.security"
SECRET = "Tr0ub4dor&3-never-logged"
BROWSER = "Mozilla/5.0 (Windows NT 10.0) Council laptop"


def security_records(caplog, event):
    return [
        record
        for record in caplog.records
        if record.name == LOGGER and getattr(record, "event", None) == event
    ]


def everything_logged(record):
    return record.getMessage() + " " + " ".join(str(value) for value in vars(record).values())


def test_a_failed_sign_in_is_logged_with_address_and_browser_but_no_password(caplog):
    factories.UserFactory(email="ada@council.example")
    caplog.set_level(logging.WARNING, logger=LOGGER)
    response = Client().post(
        reverse("accounts:sign_in"),
        {"email": "Ada@Council.example", "password": SECRET},
        REMOTE_ADDR="203.0.113.10",
        HTTP_USER_AGENT=BROWSER,
    )
    assert response.status_code == 200
    [record] = security_records(caplog, "sign_in_failed")
    assert record.levelno == logging.WARNING
    assert record.username == "ada@council.example"
    assert record.ip_address == "203.0.113.10"
    assert record.user_agent == BROWSER
    assert record.locked_out is False
    assert "ada@council.example" in record.getMessage()
    for logged in caplog.records:
        assert SECRET not in everything_logged(logged)


def test_an_unknown_address_is_logged_as_tried(caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    Client().post(
        reverse("accounts:sign_in"),
        {"email": "nobody@council.example", "password": SECRET},
        REMOTE_ADDR="203.0.113.10",
    )
    [record] = security_records(caplog, "sign_in_failed")
    assert record.username == "nobody@council.example"
    assert record.user_agent == ""


def test_the_lockout_is_logged_when_it_happens(caplog):
    factories.UserFactory(email="ada@council.example")
    caplog.set_level(logging.WARNING, logger=LOGGER)
    for _ in range(5):
        Client().post(
            reverse("accounts:sign_in"),
            {"email": "ada@council.example", "password": SECRET},
            REMOTE_ADDR="203.0.113.10",
        )
    [locked] = security_records(caplog, "sign_in_locked_out")
    assert (locked.username, locked.ip_address) == ("ada@council.example", "203.0.113.10")
    failures = security_records(caplog, "sign_in_failed")
    assert len(failures) == 5
    assert [f.locked_out for f in failures] == [False] * 4 + [True]
    for logged in caplog.records:
        assert SECRET not in everything_logged(logged)


def test_an_empty_form_is_not_a_failed_sign_in(caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    Client().post(reverse("accounts:sign_in"), {})
    assert not security_records(caplog, "sign_in_failed")


def test_a_refused_page_is_logged_with_who_what_and_the_verb(caplog, scrutiny_member):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    client = Client()
    client.force_login(scrutiny_member)
    response = client.post(reverse("accounts:preferences"), REMOTE_ADDR="203.0.113.10")
    assert response.status_code == 403
    [record] = security_records(caplog, "request_refused")
    assert record.levelno == logging.WARNING
    assert record.status == 403
    assert record.user == scrutiny_member.email
    assert record.user_id == scrutiny_member.pk
    assert record.method == "POST"
    assert record.path == reverse("accounts:preferences")
    assert record.verb == "change_own_preferences"
    assert record.ip_address == "203.0.113.10"
    assert "may not change_own_preferences" in record.getMessage()


def test_a_refusal_from_a_model_page_names_its_verb(caplog, scrutiny_member):
    inspection = factories.InspectionFactory()
    caplog.set_level(logging.WARNING, logger=LOGGER)
    client = Client()
    client.force_login(scrutiny_member)
    url = reverse("inspections:inspection_update", kwargs={"pk": inspection.pk})
    assert client.get(url).status_code == 403
    [record] = security_records(caplog, "request_refused")
    assert (record.method, record.path, record.verb) == ("GET", url, "change")


def test_a_refusal_with_a_reason_logs_the_reason(caplog, rf):
    from accounts.views import permission_denied

    caplog.set_level(logging.WARNING, logger=LOGGER)
    request = rf.delete("/somewhere/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied("the record is signed off"))
    assert response.status_code == 403
    [record] = security_records(caplog, "request_refused")
    assert (record.user, record.user_id) == ("anonymous", None)
    assert (record.method, record.path) == ("DELETE", "/somewhere/")
    assert record.reason == "the record is signed off"
    assert record.verb is None


def test_a_csrf_failure_is_refused_on_a_service_page_and_logged(caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:sign_in"), {"email": "ada@council.example", "password": SECRET}
    )
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    [record] = security_records(caplog, "request_refused")
    assert record.user == "anonymous"
    assert record.method == "POST"
    assert record.path == reverse("accounts:sign_in")
    assert record.reason.startswith("CSRF check failed: ")
    assert "CSRF cookie not set" in record.reason
    for logged in caplog.records:
        assert SECRET not in everything_logged(logged)


def test_the_records_carry_their_fields_into_the_json_logs(caplog):
    """The fields are ``extra`` on the record, so config/logs.py's JSON formatter
    writes each as its own key."""
    from config.logs import LineJsonFormatter

    caplog.set_level(logging.WARNING, logger=LOGGER)
    Client().post(
        reverse("accounts:sign_in"),
        {"email": "ada@council.example", "password": SECRET},
        REMOTE_ADDR="203.0.113.10",
        HTTP_USER_AGENT=BROWSER,
    )
    [record] = security_records(caplog, "sign_in_failed")
    line = json.loads(LineJsonFormatter().format(record))
    assert line["logger"] == LOGGER
    assert line["level"] == "WARNING"
    assert line["event"] == "sign_in_failed"
    assert line["username"] == "ada@council.example"
    assert line["ip_address"] == "203.0.113.10"
    assert line["user_agent"] == BROWSER
    assert SECRET not in json.dumps(line)
