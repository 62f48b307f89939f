"""A visit letter written for the tests, laid out the way Ofsted lays its letters out.

Its wording is invented; its structure (address block, title, introduction,
areas covered, headline findings, findings, closing) follows the published letters.
Tests change one feature of it at a time with `letter(replace={old: new})`.
"""

import textwrap

LETTER = """\
14 December 2022

Jane Doe
Corporate Director for Children's Services
Bournemouth, Christchurch and Poole Council
Civic Centre
Bournemouth BH2 6DY

Dear Jane

Monitoring visit to Bournemouth, Christchurch and Poole children's services

This letter summarises the findings of the monitoring visit to Bournemouth, Christchurch and \
Poole children's services on 30 November and 1 December 2022. This was the third monitoring \
visit since the local authority was judged inadequate in December 2021. His Majesty's \
Inspectors for this visit were Amy Lee and Raj Patel.

Areas covered by the visit

Inspectors reviewed the progress made in the following areas of concern identified at the last \
inspection:

- The timeliness of initial child protection conferences.
- The quality of plans for children in need.

This visit was carried out in line with the inspection of local authority children's services \
(ILACS) framework.

Headline findings

Leaders have steadied the service after a difficult year, and the number of children waiting \
for a conference has fallen sharply since the summer.

Plans for children in need remain too general, and few say who will do what by when, so \
families are unsure what is expected of them.

Findings and evaluation of progress

Conferences are now held within fifteen working days for almost all children, because a \
second chair was recruited and the booking process was simplified.

Written plans are rarely reviewed when circumstances change, which leaves some children with \
support that no longer fits their needs.

Supervision takes place regularly, but records of it seldom show managers challenging the \
direction of work.

I am copying this letter to the Department for Education.

Yours sincerely

Amy Lee
His Majesty's Inspector
"""

AREAS = [
    "The timeliness of initial child protection conferences",
    "The quality of plans for children in need",
]
HEADLINE_STARTS = ["Leaders have steadied", "Plans for children in need remain"]
FINDING_STARTS = ["Conferences are now held", "Written plans are rarely", "Supervision takes place"]


def letter(replace=None):
    text = LETTER
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def as_pdf_pages(text, width=88, breaks_before=(), header=None):
    """Lay the text out as PDF pages: wrapped lines, no blank lines left between
    paragraphs (as pypdf gives them back), a new page before each line starting
    with one of `breaks_before`, a running header and "Page n of m" on each.
    """
    pages = [[]]
    for paragraph in text.split("\n\n"):
        for line in paragraph.split("\n"):
            for wrapped in textwrap.wrap(line, width):
                if wrapped.startswith(tuple(breaks_before)):
                    pages.append([])
                pages[-1].append(wrapped)
    laid_out = []
    for number, page in enumerate(pages, start=1):
        top = [header] if header else []
        laid_out.append(top + page + [f"Page {number} of {len(pages)}"])
    return laid_out
