"""What the importer's tests share: a letter written for the tests (in the shape
Ofsted's letters take, in words of its own), the seed letter, and a reader that
posts the review page back as a browser would."""

import html.parser
from pathlib import Path

from django.conf import settings
from django.urls import reverse

SEED_LETTER = "devon-monitoring-visit-letter-2024-03.txt"

NORTHSHIRE_LETTER = """\
12 September 2023

Jo Bloggs
Director of Children's Services
Northshire County Council
Shire Hall
Northtown NT1 1AA

Dear Jo

Monitoring visit to Northshire children's services

This letter summarises the findings of the monitoring visit to Northshire children's \
services on 15 and 16 August 2023. This was the third monitoring visit since the local \
authority was judged inadequate in May 2022. His Majesty's Inspectors for this visit were \
Ann Example and Ben Sample.

Areas covered by the visit

Inspectors reviewed the progress made in the following areas of concern identified at the \
last inspection:

- The timeliness of child protection enquiries.
- The quality of care planning for children in care.

This visit was carried out in line with the inspection of local authority children's \
services (ILACS) framework.

Headline findings

Leaders know their service well and have a credible plan. Morale among social workers has \
improved and caseloads are manageable.

Findings and evaluation of progress

Child protection enquiries are now timely and effective, and strategy meetings are well \
attended by partner agencies.

However, too many care plans lack clear timescales, and the views of children are not \
consistently recorded. Managers do not yet check that plans are reviewed.

A small number of children in care remain at risk of significant harm because their plans \
are not reviewed when their circumstances change.

I am copying this letter to the Department for Education.

Yours sincerely

Ann Example
His Majesty's Inspector
"""


def seed_text(name=SEED_LETTER):
    return (Path(settings.SEEDS_DIR) / name).read_text(encoding="utf-8")


START = "findings:import_start"
READING = "findings:import_reading"
REVIEW = "findings:import_review"


def start(client, authority, text="", document=None):
    """Post the start page and follow it, through the reading page (read in-process
    in the tests), to the review page, or back to the start page with the reason."""
    data = {"authority": str(authority.pk), "text": text}
    if document is not None:
        data["document"] = document
    return client.post(reverse(START), data, follow=True)


def landed_on(response):
    """The path the last redirect went to, or None for a page shown without one."""
    return response.redirect_chain[-1][0] if response.redirect_chain else None


class _FormReader(html.parser.HTMLParser):
    """The values the main form would send, as {name: [values]}."""

    def __init__(self):
        super().__init__()
        self.values = {}
        self._in_form = False
        self._select = None
        self._option = None
        self._textarea = None

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._in_form = "action" not in attrs  # the page's own form, not sign-out
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
            else:
                self._add(name, attrs.get("value") or "")
        elif tag == "select" and name:
            self._select, self._first = name, None
            self.values.setdefault(name, [])
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first is None:
                self._first = value
            if "selected" in attrs:
                self.values[self._select] = [value]
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self.values[self._select]:
                self.values[self._select] = [self._first or ""]
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline Django writes after <textarea>.
            value = self.values[self._textarea][-1]
            self.values[self._textarea][-1] = value.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data


def form_values(response):
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader.values


def post_review(client, values, action="confirm", **changes):
    """Post the review page's form back, with ``changes`` (name -> value) made."""
    data = {name: list(found) for name, found in values.items()}
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    data["action"] = [action]
    return client.post(reverse(REVIEW), data)


def rows(values, prefix, field):
    """The value of ``field`` in each row of the formset ``prefix``."""
    total = int(values[f"{prefix}-TOTAL_FORMS"][0])
    return [(values.get(f"{prefix}-{index}-{field}") or [""])[0] for index in range(total)]


NORTHSHIRE_REPORT = """\
Northshire County Council
Inspection of Northshire County Council local authority children's services

Inspection dates: 9 to 20 May 2022

Lead inspector: Carol Example

His Majesty's Inspector

Judgement                                                              Grade
The impact of leaders on social work practice with children and families  Inadequate
The experiences and progress of children who need help and protection    Inadequate
The experiences and progress of children in care  Requires improvement to be good
The experiences and progress of care leavers  Requires improvement to be good
Overall effectiveness                                                     Inadequate

What needs to improve in this local authority?

- The timeliness of child protection enquiries.
- The quality of care planning for children in care, including how plans
are reviewed when circumstances change.
- Management oversight of practice.

The experiences and progress of children who need help and protection: inadequate

Too many children wait too long for help.
"""


def counts():
    """Rows of every table an import writes, and of their history."""
    from findings.models import Finding, ImportedDocument
    from inspections.models import AreaOfConcern, Inspection, Judgement, Visit, VisitArea
    from tests.inspections.page_checks import history_rows

    models = (Visit, VisitArea, AreaOfConcern, Finding, Inspection, Judgement, ImportedDocument)
    return {model.__name__: model.objects.count() for model in models} | {"history": history_rows()}


def put_draft(client, authority, parsed, kind="letter", text="The document's text."):
    """A draft in the client's session, as the start page leaves one."""
    from dataclasses import asdict

    from findings.import_drafts import SESSION_KEY, Draft, fingerprint

    draft = Draft(
        token="t" * 32,
        kind=kind,
        authority_id=authority.pk,
        text=text,
        sha256=fingerprint(text),
        parsed=parsed,
    )
    session = client.session
    session[SESSION_KEY] = asdict(draft)
    session.save()
    return draft


def review_of(client, authority, text):
    """Paste ``text`` for ``authority`` and open the review page: its response."""
    response = start(client, authority, text)
    assert landed_on(response) == reverse(REVIEW), response.content.decode()[:2000]
    return response
