"""scripts/audit_dependencies.py (`make audit`): any known vulnerability fails;
vulnerability data that cannot be reached is said in one "NOT AUDITED" line with
the count and the reason, never passed off as a clean audit. The reports below
have the shape pip-audit 2.10 and npm 10 write with --format json / --json."""

import importlib.util
import json

import pytest

from .servers import ROOT


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location(
        "audit_dependencies", ROOT / "scripts" / "audit_dependencies.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pip_report(*packages):
    return json.dumps({"dependencies": list(packages), "fixes": []})


def unreachable(name, version):
    return {
        "name": name,
        "skip_reason": (
            f"Dependency not found on PyPI and could not be audited: {name} ({version})"
        ),
    }


OURS = {"name": "improvement-tracker", "skip_reason": "distribution marked as editable"}


def test_a_vulnerable_python_package_fails_the_audit(audit, capsys, monkeypatch):
    monkeypatch.delenv("AUDIT_REQUIRE_DATA", raising=False)
    outcome = audit.Outcome()
    audit.read_pip_audit(
        outcome,
        pip_report(
            {
                "name": "django",
                "version": "5.2.0",
                "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.2"], "aliases": []}],
            },
            {"name": "celery", "version": "5.7.0", "vulns": []},
            OURS,
        ),
        "",
    )
    printed = capsys.readouterr().out
    assert "VULNERABLE (pip-audit): django 5.2.0: PYSEC-2025-1 (fixed in 5.2.2)" in printed
    assert "pip-audit: 2 of 2 installed Python packages checked" in printed
    assert outcome.vulnerable and not outcome.unaudited


def test_unreachable_python_vulnerability_data_is_one_clear_line(audit, capsys):
    outcome = audit.Outcome()
    audit.read_pip_audit(
        outcome,
        pip_report(unreachable("django", "5.2.19"), unreachable("celery", "5.7.0"), OURS),
        "No known vulnerabilities found",
    )
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        "NOT AUDITED (pip-audit): all 2 installed Python packages could not be checked: "
        "PyPI's per-release JSON API, where pip-audit reads the vulnerability data, "
        "answered 'not found' for every package"
    ]
    assert outcome.unaudited and not outcome.vulnerable


def test_a_package_not_on_pypi_among_audited_ones_is_named(audit, capsys):
    outcome = audit.Outcome()
    audit.read_pip_audit(
        outcome,
        pip_report({"name": "celery", "version": "5.7.0", "vulns": []}, unreachable("x", "1")),
        "",
    )
    printed = capsys.readouterr().out
    assert "not audited (pip-audit): Dependency not found on PyPI" in printed
    assert "pip-audit: 1 of 2 installed Python packages checked" in printed
    assert not outcome.vulnerable and not outcome.unaudited


def test_pip_audit_that_cannot_run_is_not_audited(audit, capsys):
    outcome = audit.Outcome()
    audit.read_pip_audit(outcome, "", "Traceback ...\nConnectionError: name not resolved\n")
    assert capsys.readouterr().out == (
        "NOT AUDITED (pip-audit): all installed Python packages could not be checked: "
        "ConnectionError: name not resolved\n"
    )
    assert outcome.unaudited


def npm_report(vulnerabilities):
    totals = {"info": 0, "low": 0, "moderate": 0, "high": 0, "critical": 0}
    for vulnerability in vulnerabilities.values():
        totals[vulnerability["severity"]] += 1
    totals["total"] = len(vulnerabilities)
    return json.dumps(
        {
            "auditReportVersion": 2,
            "vulnerabilities": vulnerabilities,
            "metadata": {"vulnerabilities": totals},
        }
    )


def test_a_high_front_end_vulnerability_fails_and_a_moderate_one_does_not(audit, capsys):
    outcome = audit.Outcome()
    audit.read_npm_audit(
        outcome,
        npm_report(
            {
                "sass": {"name": "sass", "severity": "moderate", "range": "<1.95.0"},
                "govuk-frontend": {
                    "name": "govuk-frontend",
                    "severity": "high",
                    "range": "<5.14.1",
                },
            }
        ),
        "",
        25,
    )
    printed = capsys.readouterr().out
    assert "VULNERABLE (npm audit): govuk-frontend <5.14.1: high" in printed
    assert "sass" not in printed
    assert "npm audit: 25 front-end packages checked; 1 high or critical, 2 of any severity" in (
        printed
    )
    assert outcome.vulnerable


def test_a_clean_front_end_audit_passes(audit, capsys):
    outcome = audit.Outcome()
    audit.read_npm_audit(outcome, npm_report({}), "", 25)
    assert capsys.readouterr().out == (
        "npm audit: 25 front-end packages checked; 0 high or critical, 0 of any severity\n"
    )
    assert not outcome.vulnerable and not outcome.unaudited


def test_an_advisory_endpoint_that_refuses_is_one_clear_line(audit, capsys):
    outcome = audit.Outcome()
    refused = {
        "message": "405 Method Not Allowed - POST "
        "https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
        "statusCode": 405,
    }
    audit.read_npm_audit(outcome, json.dumps(refused), "npm error audit endpoint", 25)
    assert capsys.readouterr().out.startswith(
        "NOT AUDITED (npm audit): all 25 front-end packages could not be checked: "
        "the registry's advisory endpoint answered '405 Method Not Allowed"
    )
    assert outcome.unaudited and not outcome.vulnerable


def test_unaudited_packages_fail_only_when_the_data_is_required(audit, monkeypatch):
    def unreachable_everywhere(outcome):
        outcome.not_audited("pip-audit", "all 2", "packages", "unreachable")

    monkeypatch.setattr(audit, "audit_python", unreachable_everywhere)
    monkeypatch.setattr(audit, "audit_front_end", lambda outcome: None)
    monkeypatch.delenv("AUDIT_REQUIRE_DATA", raising=False)
    assert audit.main() == 0
    monkeypatch.setenv("AUDIT_REQUIRE_DATA", "1")
    assert audit.main() == 2
