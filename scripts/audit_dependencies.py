"""Known vulnerabilities in the packages the service runs on: the installed Python
packages (pip-audit, against PyPI's vulnerability data) and the front-end packages
(npm audit, against the npm registry's advisories). `make audit` runs it; CI runs
`make audit`.

Exit status 1 when any known vulnerability is found (npm: high or critical).

Where the vulnerability data cannot be reached (a network that blocks it, a
registry mirror without the advisory API), the tools themselves report nothing and
succeed, which reads as a clean audit. This says instead, in one line per tool
starting "NOT AUDITED", how many packages went unchecked and why. That is not a
failure unless AUDIT_REQUIRE_DATA=1 (exit status 2), for a CI runner that is
known to reach the data.
"""

import json
import os
import shutil
import subprocess  # nosec B404  # runs the audit tools: fixed arguments, no shell
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 600


def run(command):
    return subprocess.run(  # noqa: S603  # nosec B603
        command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def last_line(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


class Outcome:
    def __init__(self):
        self.vulnerable = False
        self.unaudited = False

    def found(self, line):
        print(line)
        self.vulnerable = True

    def not_audited(self, tool, count, what, why):
        print(f"NOT AUDITED ({tool}): {count} {what} could not be checked: {why}")
        self.unaudited = True


def audit_python(outcome):
    result = run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--format",
            "json",
            "--progress-spinner",
            "off",
            "--skip-editable",
        ]
    )
    read_pip_audit(outcome, result.stdout, result.stderr)


def read_pip_audit(outcome, stdout, stderr):
    """Tell ``outcome`` what ``pip-audit --format json`` found."""
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        outcome.not_audited("pip-audit", "all", "installed Python packages", last_line(stderr))
        return
    # The project itself is listed too, skipped as editable: it is not on PyPI.
    packages = [
        package
        for package in report.get("dependencies", [])
        if "editable" not in package.get("skip_reason", "")
    ]
    skipped = [package for package in packages if package.get("skip_reason")]
    for package in packages:
        for vulnerability in package.get("vulns", []):
            fixed = ", ".join(vulnerability.get("fix_versions", [])) or "no fixed release yet"
            outcome.found(
                f"VULNERABLE (pip-audit): {package['name']} {package.get('version', '')}: "
                f"{vulnerability['id']} (fixed in {fixed})"
            )
    if packages and len(skipped) == len(packages):
        reasons = {package["skip_reason"].split(":")[0] for package in skipped}
        why = "; ".join(sorted(reasons))
        if reasons == {"Dependency not found on PyPI and could not be audited"}:
            why = (
                "PyPI's per-release JSON API, where pip-audit reads the vulnerability "
                "data, answered 'not found' for every package"
            )
        outcome.not_audited("pip-audit", f"all {len(packages)}", "installed Python packages", why)
    elif skipped:
        for package in skipped:
            print(f"not audited (pip-audit): {package['skip_reason']}")
    if packages and len(skipped) < len(packages):
        print(
            f"pip-audit: {len(packages) - len(skipped)} of {len(packages)} installed "
            "Python packages checked"
        )


def audit_front_end(outcome):
    lock = json.loads((ROOT / "package-lock.json").read_text())
    count = sum(1 for path in lock.get("packages", {}) if path)
    npm = shutil.which("npm")
    if npm is None:
        outcome.not_audited(
            "npm audit", f"all {count}", "front-end packages", "npm is not installed"
        )
        return
    # Every front-end package is a devDependency (they are built into static/dist),
    # so --omit=dev would audit none of them, yet govuk-frontend's script runs in
    # every browser and Sass on the build machine: all of them are audited.
    result = run([npm, "audit", "--audit-level=high", "--json"])
    read_npm_audit(outcome, result.stdout, result.stderr, count)


def read_npm_audit(outcome, stdout, stderr, count):
    """Tell ``outcome`` what ``npm audit --json`` found among ``count`` packages."""
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        report = {"message": last_line(stderr)}
    if "vulnerabilities" not in report:
        why = report.get("message") or report.get("error", {}).get("summary") or "no answer"
        outcome.not_audited(
            "npm audit",
            f"all {count}",
            "front-end packages",
            f"the registry's advisory endpoint answered {why!r}",
        )
        return
    serious = 0
    for name, vulnerability in sorted(report["vulnerabilities"].items()):
        if vulnerability.get("severity") in {"high", "critical"}:
            serious += 1
            outcome.found(
                f"VULNERABLE (npm audit): {name} {vulnerability.get('range', '')}: "
                f"{vulnerability['severity']}"
            )
    totals = report.get("metadata", {}).get("vulnerabilities", {})
    print(
        f"npm audit: {count} front-end packages checked; {serious} high or critical, "
        f"{totals.get('total', 0)} of any severity"
    )


def main():
    outcome = Outcome()
    audit_python(outcome)
    audit_front_end(outcome)
    if outcome.vulnerable:
        return 1
    if outcome.unaudited and os.environ.get("AUDIT_REQUIRE_DATA") == "1":
        print("AUDIT_REQUIRE_DATA=1: packages that could not be audited fail the audit")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
