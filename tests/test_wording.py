"""Words on every page as a person reads them: counts agree with their nouns ("1 action",
"2 actions"), and dates are written one way, GOV.UK's ("5 December 2026").

The templates are read for the mistakes a template can make, and every page of the
URL walk (tests/walk.py) is read, as every role sees it with the walk's sample
records, for the mistakes that only show once the numbers are filled in.
"""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from config.dates import long_date
from config.words import count_of

from . import walk

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Nouns the service counts, singular and plural.
NOUNS = {
    "action": "actions",
    "finding": "findings",
    "visit": "visits",
    "change": "changes",
    "update": "updates",
    "area": "areas",
    "person": "people",
    "day": "days",
    "week": "weeks",
    "month": "months",
    "digest": "digests",
    "record": "records",
    "file": "files",
    "inspection": "inspections",
    "judgement": "judgements",
    "rating": "ratings",
    "token": "tokens",
    "pack": "packs",
    "piece": "pieces",
    "owner": "owners",
    "role": "roles",
    "page": "pages",
    "minute": "minutes",
    "hour": "hours",
    "document": "documents",
    "letter": "letters",
    "member": "members",
    "result": "results",
    "draft": "drafts",
    "authority": "authorities",
    "paragraph": "paragraphs",
    "import": "imports",
}
ONE_WITH_A_PLURAL = re.compile(r"(?<![\d,.£-])\b1 (" + "|".join(NOUNS.values()) + r")\b")
# 0 and 2 to 999 with a singular noun; larger numbers are years ("the 2023 inspection").
MANY_WITH_A_SINGULAR = re.compile(
    r"(?<![\d,.£/-])\b(0|[2-9]|[1-9]\d{1,2}) (" + "|".join(NOUNS) + r")\b(?! of concern\b)"
)
# A count in a template, then a noun, with no ``pluralize`` on the noun.
COUNT_THEN_NOUN = re.compile(
    r"\{\{\s*([^}]+?)\s*\}\}(?:\s|<[^>]+>)+("
    + "|".join(sorted({*NOUNS, *NOUNS.values()}, key=len, reverse=True))
    + r")(?![\w{-]*\{\{[^}]*pluralize)"
)
NAMED_DATE_FORMATS = {"DATE_FORMAT", "DATETIME_FORMAT", "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT"}


def template_lines():
    for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            yield f"{path.relative_to(TEMPLATES)}:{number}", line


def text_of(html):
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def wording_mistakes(text):
    found = [m.group(0) for m in ONE_WITH_A_PLURAL.finditer(text)]
    found += [m.group(0) for m in MANY_WITH_A_SINGULAR.finditer(text)]
    return found


def test_it_finds_the_mistakes_it_looks_for():
    assert wording_mistakes("You own 1 actions and 2 finding; 1 people.") == [
        "1 actions",
        "1 people",
        "2 finding",
    ]
    assert not wording_mistakes(
        "1 action, 2 actions, 0 people, the 2023 inspection, 1 area of concern, "
        "3 areas of concern, A-012, 1 March 2024, page 2 of 5"
    )


def test_count_of_makes_the_noun_agree():
    assert count_of(1, "action") == "1 action"
    assert count_of(0, "action") == "0 actions"
    assert count_of(2, "person", "people") == "2 people"
    assert count_of(12000, "digest") == "12,000 digests"


def test_every_count_in_a_template_has_its_noun_agree():
    unagreed = [
        f"{where}: {match.group(0)}"
        for where, line in template_lines()
        for match in COUNT_THEN_NOUN.finditer(line)
    ]
    assert not unagreed, "A count whose noun does not follow it:\n" + "\n".join(unagreed)


def test_every_date_in_a_template_is_in_one_of_the_named_formats():
    """config/formats/en_GB/formats.py says how a date is written, once: "5 December
    2026". A template asks for it by name, never with its own letters."""
    own = [
        f"{where}: {match.group(0)}"
        for where, line in template_lines()
        for match in re.finditer(r'\|date:"([^"]*)"', line)
        if match.group(1) not in NAMED_DATE_FORMATS
    ]
    assert not own, "Dates written their own way:\n" + "\n".join(own)


def test_dates_are_written_as_gov_uk_writes_them():
    import datetime

    from django.utils import formats

    day = datetime.date(2026, 12, 5)
    assert formats.date_format(day, "DATE_FORMAT") == "5 December 2026"
    assert long_date(day) == "5 December 2026"
    # Half past midnight in London in summer is still the 6th there, though the 5th in UTC.
    moment = datetime.datetime(2026, 6, 5, 23, 30, tzinfo=datetime.UTC)
    assert long_date(moment) == "6 June 2026"


def test_no_python_text_writes_a_date_in_figures():
    """Record names and messages made in Python use long_date, not "05/12/2026"."""
    offenders = []
    for app in ["accounts", "actions", "findings", "inspections", "progress"]:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"%d/%m|%m/%d|%-d %B|%d %B", line):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line}")
    assert not offenders, "\n".join(offenders)


def test_the_audit_log_names_an_update_with_the_day_in_words(db, client, improvement_officer):
    from tests import factories

    update = factories.ActionUpdateFactory()
    client.force_login(improvement_officer)
    html = client.get("/audit/").content.decode()
    assert f"on {long_date(update.created_at)}" in html
    assert not re.search(r"\b\d\d/\d\d/\d{4}\b", text_of(html))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [walk.SCRUTINY, walk.OWNER, walk.LEADER, walk.TEAM])
def test_every_page_has_its_counts_agree_and_no_date_in_figures(role):
    samples = walk.build_samples()
    client = Client(raise_request_exception=False)
    client.force_login(samples.users[role])
    walk.prepare_session(client, samples)
    found, _ = walk.targets(samples)
    problems, read = [], 0
    for target in found:
        if target.page.post_only or target.page.is_admin:
            continue
        response = client.get(target.url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        read += 1
        text = text_of(response.content.decode())
        problems += [f"{target}: {mistake!r}" for mistake in wording_mistakes(text)]
        problems += [
            f"{target}: date in figures {m.group(0)!r}"
            for m in re.finditer(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", text)
        ]
    assert read > 5
    assert not problems, f"As {role}:\n" + "\n".join(problems)
