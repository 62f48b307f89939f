"""Read an Ofsted inspection report (ILACS since 2018, SIF 2014 to 2018) into plain fields.

`parse_report(text)` returns a dict of plain values that serialises to JSON as it
stands; a field the report does not state is None, {} or [].

The judgement table comes out of a PDF in many orders: all labels then all
grades, rows interleaved, a grade printed in the middle of a label that wrapped
over two lines. So the labels are found by what they say (with the grades taken
out of the text first) and paired with the grades in the order both appear in
the table. Explicit statements ("Overall effectiveness: inadequate", the body's
section headings "The experiences and progress of care leavers: good") are read
as pairs on their own and win over the table.
"""

import re

from findings.document_text import (
    DATE_LIST,
    date_range,
    fold,
    heading_key,
    paragraphs,
    squash,
)

REPORT_KEYS = (
    "authority",
    "inspection_start",
    "inspection_end",
    "lead_inspector",
    "framework",
    "judgements",
    "improvements",
)
GRADES = {
    "outstanding": "outstanding",
    "good": "good",
    "requires improvement": "requires_improvement",
    "require improvement": "requires_improvement",
    "inadequate": "inadequate",
}
GRADE = re.compile(
    r"\b(?:requires?\s+improvement(?:\s+to\s+be\s+good)?|outstanding|good|inadequate)\b",
    re.IGNORECASE,
)
OPTIONAL_LEAD = r"(?:(?:the\s+)?experiences\s+and\s+progress\s+of\s+)?"
# Most specific first: "children in care and care leavers" before "children in care".
LABELS = (
    (
        "children_in_care_and_care_leavers",
        rf"{OPTIONAL_LEAD}children\s+in\s+care\s+and\s+care\s+leavers",
    ),
    ("looked_after_and_permanence", r"children\s+looked\s+after\s+and\s+achieving\s+permanence"),
    ("help_and_protection", rf"{OPTIONAL_LEAD}children\s+who\s+need\s+help\s+and\s+protection"),
    ("children_in_care", rf"{OPTIONAL_LEAD}children\s+in\s+care\b"),
    ("care_leavers", rf"{OPTIONAL_LEAD}care\s+leavers"),
    (
        "impact_of_leaders",
        r"(?:the\s+)?impact\s+of\s+leaders\s+on\s+social\s+work\s+practice"
        r"(?:\s+with\s+children\s+and\s+families)?",
    ),
    ("adoption", r"adoption\s+performance"),
    ("leadership_management_governance", r"leadership,?\s+management\s+and\s+governance"),
    ("overall_effectiveness", r"overall\s+effectiveness"),
    # Graded in SIF reports but not a judgement on the council's services: read so
    # that its grade is not handed to a neighbouring label, then dropped.
    (
        "lscb",
        r"(?:the\s+)?effectiveness\s+of\s+the\s+(?:local\s+safeguarding\s+children\s+board"
        r"|lscb)|review\s+of\s+the\s+(?:local\s+safeguarding\s+children\s+board|lscb)",
    ),
)
LABEL = re.compile("|".join(f"(?P<{key}>{pattern})" for key, pattern in LABELS), re.IGNORECASE)
# Words allowed between neighbours in a table besides numbering and the column
# headings: a label followed by any other word ("... overall effectiveness are:")
# is prose.
TABLE_GAP_WORDS = 0
TABLE_HEADING_WORDS = frozenset(["judgement", "judgements", "grade", "grades"])
TAIL = re.compile(r"\bto\s+be\s+good\b", re.IGNORECASE)
# The overall verdict of a SIF report is stated on its first page.
OPENING_CHARACTERS = 3000
IMPROVE_HEADINGS = {
    "what needs to improve",
    "what needs to improve?",
    "what does the local authority need to improve?",
    "what does the local authority need to improve",
}
IMPROVE_HEADING = re.compile(
    r"^(?:what needs to improve(?: in this local authority)?\??"
    r"|what does the local authority need to improve\??)$",
    re.IGNORECASE,
)
CONTENTS_ENTRY = re.compile(
    r"^[^\S\n]*what (?:needs to|does the local authority need to) improve\??[^\S\n]*"
    r"(?:\n[^\S\n]*)?\d+[^\S\n]*$",
    re.IGNORECASE | re.MULTILINE,
)
IMPROVE_SUBHEADINGS = {"priority and immediate action", "areas for improvement", "recommendations"}


def looks_like_ofsted_report(text: str) -> bool:
    folded = squash(fold(text or "")).lower()
    is_report = (
        "local authority children's services" in folded
        or "inspection of services for children in need of help and protection" in folded
    )
    return is_report and ("inspection date" in folded or "lead inspector" in folded)


def parse_report(text: str) -> dict:
    flat = squash(fold(text or ""))
    dates = _inspection_dates(flat)
    return {
        "authority": _authority(text or ""),
        "inspection_start": dates[0].isoformat() if dates else None,
        "inspection_end": dates[1].isoformat() if dates else None,
        "lead_inspector": _lead_inspector(flat),
        "framework": _framework(flat),
        "judgements": _judgements(flat),
        "improvements": _improvements(text or ""),
    }


def _authority(text):
    flat = squash(fold(text))
    match = re.search(
        r"\b(?i:inspection of) (?:the )?(?P<name>[A-Z][^.:]{1,80}?)(?:'s)? local authority"
        r" children's services\b",
        flat,
    )
    if match:
        return match.group("name").strip()
    # SIF reports open with the council's name just before the title.
    match = re.match(
        r"^(?:\d+\s+)?(?P<name>[A-Z][^.:]{1,80}?)\s+(?:re-)?inspection of services for children"
        r" in need of help and protection",
        flat,
        re.IGNORECASE,
    )
    if match:
        return match.group("name")
    return None


def _inspection_dates(flat):
    match = re.search(rf"\binspection dates?:?\s+({DATE_LIST})", flat, re.IGNORECASE)
    return date_range(match.group(1)) if match else None


def _lead_inspector(flat):
    match = re.search(
        r"\b(?i:lead inspector):?\s+(?P<name>(?:(?:Dr|Mr|Mrs|Ms|Miss)\.? )?[A-Z][A-Za-z'\-]+"
        r"(?: [A-Z][A-Za-z'\-]+){1,3})",
        flat,
    )
    if not match:
        return None
    name = re.split(r"\s+(?:Her|His|Ofsted|HMI|Social|Senior)\b", match.group("name"))[0]
    return name.strip() or None


def _framework(flat):
    lowered = flat.lower()
    if (
        "local authority children's services" in lowered
        or "(ilacs)" in lowered
        or re.search(r"impact of leaders on social work practice", lowered)
    ):
        return "ILACS"
    if (
        "inspection of services for children in need of help and protection" in lowered
        or "single inspection framework" in lowered
        or "children looked after and achieving permanence" in lowered
    ):
        return "SIF"
    return None


def _grade(text):
    return GRADES[re.sub(r"\s+", " ", text.lower()).replace(" to be good", "")]


def _judgements(flat):
    """Each judgement's grade, the most formal statement of it winning: a "LABEL:
    GRADE" pair over the table, and the table over the opening sentence's verdict."""
    judgements = _opening_verdict(flat)
    judgements.update(_table_judgements(flat))
    judgements.update(_stated_judgements(flat))
    judgements.pop("lscb", None)
    return judgements


def _stated_judgements(flat):
    """Pairs the report states outright: "LABEL: GRADE", "LABEL Judgement: GRADE" or
    "Overall effectiveness is judged to be GRADE" (what was judged before is told
    in the past tense, and not read)."""
    stated = {}
    for match in re.finditer(
        rf"(?:{LABEL.pattern})\s*(?:judgement\s*)?(?:is\s*)?[:\-]\s*(?P<grade>{GRADE.pattern})",
        flat,
        re.IGNORECASE,
    ):
        stated.setdefault(_label_key(match), _grade(match.group("grade")))
    overall = re.search(
        r"\boverall\s+effectiveness(?:\s+of\s+(?:the\s+)?children's\s+services(?:\s+in\s+"
        rf"{PLACE})?)?\s+is\s+(?:judged\s+)?(?:(?:to\s+be|as)\s+)?(?P<grade>{GRADE.pattern})",
        flat,
        re.IGNORECASE,
    )
    if overall:
        stated.setdefault("overall_effectiveness", _grade(overall.group("grade")))
    return stated


# A council's name as a report writes it: capitalised words, perhaps joined by
# commas, "and", "upon" or "on" ("Bournemouth, Christchurch and Poole").
PLACE = r"[A-Z][\w'-]*(?:(?:,|\s+and|\s+upon|\s+on|\s+of|\s+the)?\s+[A-Z][\w'-]*){0,6}"


def _opening_verdict(flat):
    """The verdict of a report's first page: "The overall judgement is that children's
    services are good" (SIF), or "Children's services in Manchester require
    improvement to be good". Only the present tense: an opening that recalls the last
    inspection ("... were judged inadequate in 2021") is no verdict on this one."""
    # Case matters only for the place: a capital starts each of its words.
    overall = re.search(
        rf"\b(?i:children's services) (?:in {PLACE} )?"
        r"(?i:(?:(?:are|is)(?: now| still)? |remain |continue to be )?)"
        rf"(?P<grade>(?i:{GRADE.pattern}))",
        flat[:OPENING_CHARACTERS],
    )
    return {"overall_effectiveness": _grade(overall.group("grade"))} if overall else {}


def _table_judgements(flat):
    grades = [g for g in GRADE.finditer(flat) if not _is_wrapped_tail(flat, g)]
    # Blank the grades out (same length) so a label that wrapped around its grade
    # reads whole again; "to be good" left behind by a wrapped grade goes too.
    blanked = TAIL.sub(lambda m: " " * len(m.group()), flat)
    blanked = list(blanked)
    for grade in grades:
        blanked[grade.start() : grade.end()] = " " * (grade.end() - grade.start())
    blanked = "".join(blanked)
    labels = list(LABEL.finditer(blanked))
    tokens = sorted(
        [(m.start(), m.end(), "label", m) for m in labels]
        + [(m.start(), m.end(), "grade", m) for m in grades]
    )
    clusters = _clusters(tokens, blanked)
    judgements = {}
    for cluster in clusters:
        cluster_labels = [t[3] for t in cluster if t[2] == "label"]
        cluster_grades = [t[3] for t in cluster if t[2] == "grade"]
        if len(cluster_labels) < 2 or not cluster_grades:
            continue
        if len(cluster_labels) == len(cluster_grades):
            pairs = zip(cluster_labels, cluster_grades, strict=True)
        else:
            pairs = _adjacent_pairs(cluster)
        for label, grade in pairs:
            judgements.setdefault(_label_key(label), _grade(grade.group()))
        break
    if "overall_effectiveness" not in judgements:
        judgements.update(_overall_apart(clusters))
    return judgements


def _overall_apart(clusters):
    """Overall effectiveness set apart from the table on the first page, with its
    grade beside it and nothing else ("Overall effectiveness Good" above or below
    the table of the other judgements, as newer reports lay it out)."""
    for cluster in clusters:
        if cluster[0][0] > OPENING_CHARACTERS:
            break
        if [token[2] for token in cluster] == ["label", "grade"]:
            label, grade = cluster[0][3], cluster[1][3]
            if _label_key(label) == "overall_effectiveness":
                return {"overall_effectiveness": _grade(grade.group())}
    return {}


def _is_wrapped_tail(flat, grade):
    """The "good" of "requires improvement ... to be good" split across lines."""
    return grade.group().lower() == "good" and re.search(r"\bto\s+be\s+$", flat[: grade.start()])


def _adjacent_pairs(cluster):
    return [
        (first[3], second[3])
        for first, second in zip(cluster, cluster[1:], strict=False)
        if first[2] == "label" and second[2] == "grade"
    ]


def _label_key(label):
    return next(name for name, _ in LABELS if label.group(name))


def _clusters(tokens, flat):
    """Runs of labels and grades with no more than a few words between them."""
    clusters, current, reach = [], [], 0
    for token in tokens:
        gap = flat[reach : token[0]] if token[0] > reach else ""
        words = [w for w in re.findall(r"[A-Za-z]+", gap) if w.lower() not in TABLE_HEADING_WORDS]
        if current and len(words) > TABLE_GAP_WORDS:
            clusters.append(current)
            current = []
        current.append(token)
        reach = max(reach, token[1])
    if current:
        clusters.append(current)
    return clusters


def _improvements(text):
    found = paragraphs(text)
    headings = [i for i, p in enumerate(found) if IMPROVE_HEADING.match(squash(p.folded))]
    # A SIF report lists the heading in its contents too, its page number after it.
    in_contents = len(CONTENTS_ENTRY.findall(fold(text)))
    if len(headings) <= in_contents:
        return []
    start = headings[in_contents]
    items, bulleted = [], None
    for paragraph in found[start + 1 :]:
        key = heading_key(paragraph.text)
        if key in IMPROVE_SUBHEADINGS:
            continue
        if key is not None or _is_section_heading(paragraph.folded):
            break
        # A list whose bullets were lost in extraction has each item as a line of
        # its own; either way the list ends where the other kind begins.
        if bulleted is not None and paragraph.bullet != bulleted:
            break
        if not paragraph.bullet and len(paragraph.text) > 400:
            break
        bulleted = paragraph.bullet
        items.append(squash(paragraph.text))
    return items


def _is_section_heading(folded):
    return bool(LABEL.match(folded) and GRADE.search(folded[-40:]))
