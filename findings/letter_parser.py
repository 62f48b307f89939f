"""Read an Ofsted monitoring or focused visit letter into plain fields.

`parse_letter(text)` returns a dict of str / int / list / None values (dates as
ISO strings) that serialises to JSON as it stands. A field the letter does not
state is None or [], never a guess.

The authority is the council named in the letter's address block ("Devon County
Council"), because that is the body the tracker records; the letter's title
names only the service ("Monitoring visit to Devon children's services"), so the
name taken from the title ("Devon") is used only when there is no address block,
as in a letter copied from Ofsted's web page.
"""

import re

from findings.document_text import (
    DATE_LIST,
    FULL_DATE,
    MONTH,
    MONTHS,
    ORDINAL,
    YEAR,
    date_range,
    fold,
    heading_key,
    ordinal_number,
    paragraphs,
    parse_full_date,
    squash,
)

LETTER_KEYS = (
    "authority",
    "letter_date",
    "visit_kind",
    "visit_start",
    "visit_end",
    "visit_number",
    "inadequate_since",
    "inspectors",
    "areas_covered",
    "headline_findings",
    "findings",
    "signatory",
)

TITLE = re.compile(
    r"^(?P<kind>monitoring|focused) visit (?:to|of|at|in|on) (?:the )?(?P<name>.+?)"
    r"(?:'s)?\s+children's\s+(?:social care )?services?\.?$",
    re.IGNORECASE,
)
INTRO_SERVICE = re.compile(
    r"\bfindings of the (?:monitoring|focused) visit (?:to|of) (?:the )?(?P<name>[A-Z][^.]{1,80}?)"
    r"(?:'s)? children's (?:social care )?services\b",
)
AREAS_HEADINGS = {"areas covered by the visit", "areas covered"}
HEADLINE_HEADINGS = {"headline findings", "overview", "summary"}
FINDINGS_HEADINGS = {
    "findings and evaluation of progress",
    "evaluation of progress",
    "main findings",
    "findings",
}
CLOSING = re.compile(
    r"^(?:i am copying this letter|yours (?:sincerely|faithfully)|yours,?$|kind regards)",
    re.IGNORECASE,
)
SIGN_OFF = re.compile(r"^(?:yours (?:sincerely|faithfully)|yours,?$|kind regards)", re.IGNORECASE)
SALUTATION = re.compile(r"^dear\b", re.IGNORECASE)
INSPECTOR_TITLE = re.compile(
    r"(?:(?:his|her) majesty's |ofsted |social care regulatory |senior |lead |team )?"
    r"inspectors?(?: \(HMI\))?|\bHMIs?\b|\bOIs?\b",
    re.IGNORECASE,
)
NAME = re.compile(
    r"\b(?:(?:Dr|Mr|Mrs|Ms|Miss)\.? )?"
    r"[A-Z][A-Za-z'\-]+(?: (?:(?:de|van|von|da|le|la|du|del|di|O')\s?)?[A-Z][A-Za-z'\-]+){1,3}\b"
)
NOT_NAME_WORDS = frozenset(
    [
        "majesty's",
        "majesty",
        "inspector",
        "inspectors",
        "ofsted",
        "this",
        "the",
        "visit",
        "letter",
        "children's",
        "council",
        "local",
        "authority",
        "his",
        "her",
        "department",
        "education",
        "services",
        "hmi",
        "monitoring",
        "focused",
        "ilacs",
        "and",
    ]
)
COUNCIL_LINE = re.compile(
    r"\b(?:council|borough|corporation|unitary authority)\b|^city of\b|^royal borough\b",
    re.IGNORECASE,
)
ADDRESS_LINE = re.compile(
    r"\b(?:hall|house|street|road|square|offices?|centre|center|avenue|lane|way|po box)\b|\d",
    re.IGNORECASE,
)
JOB_TITLE = re.compile(
    r"^(?:interim |acting |executive |corporate |strategic |deputy |assistant )*"
    r"(?:director|chief|head|leader|lead member|cabinet member)\b",
    re.IGNORECASE,
)
AREA_LEAD_IN = re.compile(
    r"^(?:in particular, )?(?:inspectors|the visit|this visit|the inspectors)\s+"
    r"(?:reviewed|evaluated|considered|looked at|focused on|examined|assessed)\s+"
    r"(?:the )?(?:local authority's )?(?:progress (?:made )?(?:in|of|on)\s+)?",
    re.IGNORECASE,
)


def looks_like_ofsted_letter(text: str) -> bool:
    """Whether the text is an Ofsted visit letter (or most of one), not something else."""
    folded = fold(text or "").lower()
    if "monitoring visit" not in folded and "focused visit" not in folded:
        return False
    signs = (
        re.search(r"^\W*(?:monitoring|focused) visit (?:to|of|at)\b", folded, re.MULTILINE),
        "majesty's inspector" in folded or re.search(r"\bhmi\b", folded),
        "this letter summarises" in folded,
        "areas covered by the visit" in folded,
        "findings and evaluation of progress" in folded,
        "headline findings" in folded or "main findings" in folded,
        "copying this letter" in folded,
    )
    return sum(bool(sign) for sign in signs) >= 2


def parse_letter(text: str) -> dict:
    found = paragraphs(text or "")
    sections = _sections(found)
    # A copy that starts mid-letter has no introduction: look everywhere but the
    # closing, whose signature is not the list of inspectors.
    closing = {id(p) for p in sections["closing"]}
    intro = " ".join(p.folded for p in sections["intro"]) or " ".join(
        p.folded for p in found if id(p) not in closing
    )
    title = _title(found)
    visit = _visit_dates(intro)
    return {
        "authority": _authority(_address_lines(sections["address"], text), title, intro),
        "letter_date": _iso(_letter_date(sections["address"])),
        "visit_kind": _visit_kind(title, intro),
        "visit_start": _iso(visit[0]) if visit else None,
        "visit_end": _iso(visit[1]) if visit else None,
        "visit_number": _visit_number(intro),
        "inadequate_since": _inadequate_since(intro),
        "inspectors": _inspectors(intro),
        "areas_covered": _areas(sections["areas"]),
        "headline_findings": [p.text for p in sections["headline"]],
        "findings": [p.text for p in sections["findings"]],
        "signatory": _signatory(sections["closing"]),
    }


def _sections(found):
    """Split the paragraphs into the parts of a letter, by its headings.

    Before the salutation is the address block; from the salutation (or the
    start, for a copy without one) to the first heading is the introduction.
    """
    sections = {
        name: []
        for name in ("address", "intro", "areas", "headline", "findings", "closing", "other")
    }
    salutation = next((i for i, p in enumerate(found) if SALUTATION.match(p.text)), None)
    if salutation is None:
        title_at = next((i for i, p in enumerate(found) if TITLE.match(p.folded)), None)
        if title_at is not None:
            salutation = title_at
            sections["address"] = found[:title_at]
            body = found[title_at:]
        else:
            body = found
    else:
        sections["address"] = found[:salutation]
        body = found[salutation + 1 :]
    current = "intro"
    for paragraph in body:
        key = heading_key(paragraph.text)
        if CLOSING.match(paragraph.folded):
            current = "closing"
        elif current == "closing":
            pass
        elif key in AREAS_HEADINGS:
            current = "areas"
            continue
        elif key in HEADLINE_HEADINGS:
            current = "headline"
            continue
        elif key in FINDINGS_HEADINGS:
            current = "findings"
            continue
        elif key is not None:
            current = "other"
            continue
        elif current == "intro" and TITLE.match(paragraph.folded):
            continue
        sections[current].append(paragraph)
    return sections


def _iso(value):
    return value.isoformat() if value else None


def _title(found):
    for paragraph in found:
        match = TITLE.match(squash(paragraph.folded))
        if match:
            return match
    return None


def _address_lines(address, text):
    """The address block line by line. Its paragraphs will not do: a long job title
    makes the block read as wrapped prose, run together into one paragraph."""
    if not address:
        return []
    lines = []
    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = squash(raw.replace("**", "").lstrip("#> "))
        if SALUTATION.match(line) or TITLE.match(fold(line)):
            break
        if line:
            lines.append(line)
    return lines


def _authority(address_lines, title, intro):
    for line in address_lines:
        council = _council_in(line)
        if council:
            return council
    if title:
        return squash(title.group("name"))
    # A copy without title or address still names the service in its first line.
    match = INTRO_SERVICE.search(intro)
    return squash(match.group("name")) if match else None


def _council_in(line):
    """The council an address line names, or None.

    A line may be the council's name alone, or the whole address block run together
    with commas ("Jane Doe, Director of Children's Services, Bournemouth,
    Christchurch and Poole Council, Civic Centre, ..."), and a council's own name may
    hold commas too: "Bournemouth, Christchurch and Poole Council" is one name, so
    the places listed before the part naming the council belong to it.
    """
    parts = [part.strip() for part in _split_outside(line, COMMA)]
    for index, part in enumerate(parts):
        if not _is_council_part(part):
            continue
        start = index
        if PLACE_LIST_END.match(part):
            while start and _is_place(parts[start - 1]):
                start -= 1
        return ", ".join(parts[start : index + 1]).rstrip(",")
    return None


COMMA = re.compile(r",\s*")


def _is_council_part(part):
    return (
        bool(part)
        and len(part) <= 80
        and COUNCIL_LINE.search(part) is not None
        and not JOB_TITLE.match(part)
        and not ADDRESS_LINE.search(part)
    )


# The last two places of a list naming one council: "Christchurch and Poole Council".
PLACE_LIST_END = re.compile(r"^[A-Z][\w'-]* and [A-Z]")


def _is_place(part):
    """One place of such a list, such as "Bournemouth": a single capitalised word
    (a person's name, which may also stand before the council, has two)."""
    return (
        re.fullmatch(r"[A-Z][\w'-]+", part) is not None
        and not COUNCIL_LINE.search(part)
        and not JOB_TITLE.match(part)
    )


def _letter_date(address):
    for paragraph in address:
        if FULL_DATE.match(paragraph.text):
            return parse_full_date(paragraph.text)
    return None


def _visit_kind(title, intro):
    if title:
        return title.group("kind").lower()
    match = re.search(r"\b(monitoring|focused) visit\b", intro, re.IGNORECASE)
    return match.group(1).lower() if match else None


def _visit_dates(intro):
    # Only dates in a sentence about the visit: "on 3 May" alone could be anything.
    pattern = rf"\bvisit(?:ed)?\b[^.]*?\b(?:on|between|from)\s+({DATE_LIST})"
    for match in re.finditer(pattern, intro, re.IGNORECASE):
        found = date_range(match.group(1))
        if found:
            return found
    return None


def _visit_number(intro):
    match = re.search(
        rf"\bwas (?:the|ofsted's|our) ({ORDINAL}) (?:monitoring )?visit\b", intro, re.IGNORECASE
    )
    return ordinal_number(match.group(1)) if match else None


def _inadequate_since(intro):
    match = re.search(
        rf"\b(?:judged|rated|found)(?: to be| as)? inadequate\b[^.]{{0,60}}?\b({MONTH}),? ({YEAR})",
        intro,
        re.IGNORECASE,
    )
    if not match:
        return None
    return f"{match.group(2)}-{MONTHS[match.group(1).lower()]:02d}"


def _inspectors(intro):
    for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z])", intro):
        lowered = sentence.lower()
        if "inadequate" in lowered or "summarises" in lowered:
            continue
        if not re.search(
            r"majesty's inspector|\bhmi\b|inspectors? (?:for this visit )?were|carried out by"
            r"|ofsted inspector",
            lowered,
        ):
            continue
        names = _names(INSPECTOR_TITLE.sub(",", sentence))
        if names:
            return names
    return []


def _names(text):
    names = []
    for match in NAME.finditer(text):
        words = match.group().split()
        # "The visit was carried out by Jane Smith": drop capitalised non-names.
        while words and words[0].lower() in NOT_NAME_WORDS:
            words.pop(0)
        if len(words) >= 2 and not any(w.lower() in NOT_NAME_WORDS for w in words):
            name = " ".join(words)
            if name not in names:
                names.append(name)
    return names


def _areas(found):
    bullets = [p for p in found if p.bullet]
    if bullets:
        return [_area_text(p.text) for p in bullets if _area_text(p.text)]
    for index, paragraph in enumerate(found):
        folded = paragraph.folded
        if ":" in folded:
            lead, _, rest = folded.partition(":")
            rest = paragraph.text[len(lead) + 1 :].strip()
            if rest:
                return _split_area_sentence(rest)
            return _unmarked_list(found[index + 1 :])
    if found:
        # "Inspectors reviewed the quality of X." with no list: the sentence's object.
        first = re.split(r"(?<=\.)\s+", found[0].text, maxsplit=1)[0]
        match = AREA_LEAD_IN.match(fold(first))
        if match:
            return [_area_text(first[match.end() :])]
    return []


def _unmarked_list(following):
    """A list whose bullet glyphs were lost: the short lines after the colon."""
    items = []
    for paragraph in following:
        text = paragraph.text
        if len(text) > 250 or re.match(
            r"(?:these|this|the visit|in addition|during|inspectors|the local authority)\b",
            fold(text),
            re.IGNORECASE,
        ):
            break
        items.append(_area_text(text))
    return [item for item in items if item]


def _split_area_sentence(sentence):
    sentence = sentence.strip().rstrip(".")
    separator = SEMICOLON if _outside_quotes(sentence, SEMICOLON) else LIST_SEPARATOR
    return [_area_text(part) for part in _split_outside(sentence, separator) if _area_text(part)]


SEMICOLON = re.compile(r";")
LIST_SEPARATOR = re.compile(r",\s+and\s+|,\s+|\s+and\s+(?=the\b)")


def _outside_quotes(sentence, separator):
    depths = _depths(sentence)
    return any(depths[match.start()] == 0 for match in separator.finditer(sentence))


def _split_outside(sentence, separator):
    """``sentence`` split at ``separator`` wherever it is outside brackets and quotes:
    "the \u2018step up, step down\u2019 process, and plans" is two areas, not three."""
    depths = _depths(sentence)
    parts, start = [], 0
    for match in separator.finditer(sentence):
        if depths[match.start()] == 0:
            parts.append(sentence[start : match.start()])
            start = match.end()
    parts.append(sentence[start:])
    return parts


def _depths(text):
    """For each character of ``text``, how many brackets and quotes are open there.

    A curly or straight single quote between two letters is an apostrophe
    ("authority\u2019s"), and one after a letter closes a quote only if one is open.
    """
    depths, open_quotes, depth = [], [], 0
    for index, char in enumerate(text):
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif char in "\u2018\u201c" or (char == "'" and not before.isalnum() and after.isalnum()):
            open_quotes.append(char)
        elif char == '"':
            if open_quotes and open_quotes[-1] == '"':
                open_quotes.pop()
            else:
                open_quotes.append(char)
        elif char in "\u2019\u201d'" and open_quotes and not (before.isalpha() and after.isalpha()):
            open_quotes.pop()
        depths.append(depth + len(open_quotes))
    return depths


def _area_text(text):
    text = squash(text).strip()
    text = re.sub(r"(?:;|,)?\s*\band$", "", text)
    text = re.sub(r"^and\s+", "", text)
    return _unquoted(text.rstrip(" .;,"))


def _unquoted(text):
    """An area named wholly in quotes ("\u2018help and protection\u2019") without them."""
    depths = _depths(text)
    if len(text) > 2 and text[0] in "\u2018\u201c'\"" and all(depths[:-1]) and not depths[-1]:
        return text[1:-1].strip()
    return text


def _signatory(closing):
    after_sign_off = False
    for paragraph in closing:
        text = squash(paragraph.text)
        if SIGN_OFF.match(fold(text)):
            after_sign_off = True
            continue
        if not after_sign_off:
            continue
        name = re.split(r",", text)[0].strip()
        if INSPECTOR_TITLE.fullmatch(fold(name)) or JOB_TITLE.match(name):
            continue
        names = _names(name)
        if names and names[0] == name:
            return name
        return None
    return None
