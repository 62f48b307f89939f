"""Shared text handling for the letter and report parsers.

Text from PDFs arrives with page numbers, running headers and footers, words
hyphenated across lines, paragraphs split by page breaks, and lost bullet glyphs;
text pasted from Ofsted's web pages arrives with markdown-ish bold and headings.
`paragraphs()` turns either into a list of `Paragraph`s a parser can walk, and
`fold()` gives a same-length copy of a string that patterns can match without
caring about curly quotes, dashes or non-breaking spaces.
"""

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
DAY = r"\d{1,2}(?:st|nd|rd|th)?"
YEAR = r"(?:19|20)\d\d"
# One date of a list such as "30 November and 1 December 2022": day, then
# optionally the month, then optionally the year.
DATE_ITEM = rf"{DAY}(?:\s+{MONTH})?(?:,?\s+{YEAR})?"
DATE_JOINER = r"\s*(?:,\s*and|,|and|to|until|-|&)\s*"
DATE_LIST = rf"{DATE_ITEM}(?:{DATE_JOINER}{DATE_ITEM})*"
FULL_DATE = re.compile(rf"^\s*{DAY}\s+{MONTH}\s+{YEAR}\s*$", re.IGNORECASE)

ORDINALS = {
    word: number
    for number, word in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
        ],
        start=1,
    )
}
ORDINAL = r"(?:\d{1,2}(?:st|nd|rd|th)|" + "|".join(ORDINALS) + r")"

# Bullet glyphs seen in extracted text, including the private-use characters the
# Symbol and Wingdings fonts map theirs to.
BULLET_GLYPHS = (
    "-*\u2022\u25cf\u25aa\u25e6\u2023\u2043\u00b7\u2219\uf0b7\uf0a7\uf076\u25a0\u2013\u2014o"
)
BULLET = re.compile(rf"^\s*(?:[{BULLET_GLYPHS}]|\d{{1,2}}[.)]|\([a-z0-9]{{1,3}}\))\s+")
PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s+)?[-\u2013]?\s*\d{1,3}\s*[-\u2013]?(?:\s+of\s+\d{1,3})?\s*$", re.IGNORECASE
)
# Ofsted's letterhead and footer, repeated on every page of its PDFs.
OFSTED_FURNITURE = re.compile(
    r"ofsted\.gov\.uk|www\.gov\.uk/ofsted|piccadilly gate|textphone|0300\s*123\s*\d{4}"
    r"|^\s*store street|manchester m1 2wd|^\s*ofsted\s*$|^\s*t\s*0300|^\s*f\s*0300"
    r"|^\s*(?:official|official-sensitive|protect - inspection)\s*$"
    r"|^\s*(?:©|crown copyright)",
    re.IGNORECASE,
)
MARKUP = re.compile(r"^\s{0,3}#{1,6}\s+|\*\*|__|^\s*>\s?")
# Prefixes that keep their hyphen when a word is split across lines.
HYPHENATED_PREFIXES = frozenset(
    [
        "multi",
        "non",
        "pre",
        "post",
        "self",
        "co",
        "cross",
        "inter",
        "anti",
        "semi",
        "sub",
        "well",
        "long",
        "short",
        "high",
        "low",
        "full",
        "part",
        "under",
        "over",
        "mid",
        "ex",
        "child",
        "step",
        "young",
        "front",
        "wide",
    ]
)
QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
    }
)


def fold(text):
    """Same length as text, with curly quotes, dashes and odd spaces made plain."""
    return text.translate(QUOTES)


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Paragraph:
    text: str
    bullet: bool = False

    @property
    def folded(self):
        return fold(self.text)


def paragraphs(text):
    """The text as paragraphs, with PDF and markup debris removed."""
    pages = [_clean_lines(page) for page in text.replace("\r\n", "\n").split("\f")]
    _drop_running_lines(pages)
    lines = []
    for page in pages:
        lines.extend(page)
        lines.append("")
    blocks = _blocks(lines)
    result = []
    for block in blocks:
        result.extend(_paragraphs_of_block(block))
    return _join_broken(result)


def _clean_lines(page):
    cleaned = []
    for raw in page.split("\n"):
        line = MARKUP.sub("", raw.replace("\t", " ")).replace("**", "").strip()
        line = re.sub(r"[ \u00a0]{2,}", "  ", line)
        if PAGE_NUMBER.match(line) or OFSTED_FURNITURE.search(line):
            line = ""
        cleaned.append(line)
    return cleaned


def _drop_running_lines(pages):
    """Blank the header and footer lines that repeat at the edges of pages."""
    if len(pages) < 3:
        return
    seen = {}
    for number, page in enumerate(pages):
        for index in _edge_indexes(page):
            key = re.sub(r"\d+", "#", page[index].lower())
            seen.setdefault(key, set()).add(number)
    running = {key for key, on_pages in seen.items() if len(on_pages) >= 2}
    for page in pages:
        for index in _edge_indexes(page):
            if re.sub(r"\d+", "#", page[index].lower()) in running:
                page[index] = ""


def _edge_indexes(page):
    filled = [index for index, line in enumerate(page) if line]
    return set(filled[:2] + filled[-2:])


def _blocks(lines):
    blocks, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _paragraphs_of_block(block):
    longest = max(len(line) for line in block)
    # Lines never longer than this are an address, a signature or a list, each
    # line its own item; longer ones are prose wrapped to the page width.
    wrapped = longest >= 60 and len(block) > 1
    found = []
    for index, line in enumerate(block):
        bullet = BULLET.match(line)
        text = line[bullet.end() :] if bullet else line
        previous = block[index - 1] if index else None
        starts_new = (
            not found
            or bullet
            or not wrapped
            or is_heading(line)
            or is_heading(previous)
            or previous.rstrip().endswith(":")
            or _deliberate_break(previous, text, longest)
        )
        if starts_new:
            found.append(Paragraph(text.strip(), bullet=bool(bullet)))
        else:
            found[-1].text = _join_lines(found[-1].text, text.strip())
    return found


def _deliberate_break(previous, line, width):
    """Whether a line ended before the page edge made it: the next line's first
    word would have fitted on it, and it reads as a sentence ending or the next
    line as a sentence beginning."""
    first_word = line.split(" ", 1)[0]
    fits = len(previous) + 1 + len(first_word) <= width
    ends = re.search(r"[.!?;:'\")\u2019\u201d]$", previous.rstrip()) is not None
    start = _first_character(line)
    return fits and (ends or start.isupper() or start.isdigit())


# Opening quotes and brackets that may stand before a line's first word: an item
# such as "‘Step up, step down’ arrangements" still starts with a capital.
OPENERS = "'\"([\u2018\u201c"


def _first_character(text):
    """The first character of ``text`` after any opening quotes or brackets."""
    return text.lstrip(OPENERS)[:1]


def _join_lines(before, after):
    """Join two pieces of one paragraph, mending a word hyphenated at the break."""
    match = re.search(r"(\w+)-$", before)
    if match and after[:1].islower():
        if match.group(1).lower() in HYPHENATED_PREFIXES:
            return before + after
        return before[:-1] + after
    return f"{before} {after}"


def _join_broken(found):
    """Mend paragraphs that a page break or a stray blank line cut mid-sentence."""
    mended = []
    for paragraph in found:
        if mended and _continues(mended[-1], paragraph):
            mended[-1].text = _join_lines(mended[-1].text, paragraph.text)
        else:
            mended.append(paragraph)
    return mended


# A letter's salutation starts a paragraph, whatever the line before it: an
# address line run long (a job title and council on one line) is no sentence
# running on into "Dear ...".
SALUTATION = re.compile(r"^dear\s+\S", re.IGNORECASE)


def _continues(before, after):
    if after.bullet or is_heading(after.text) or is_heading(before.text):
        return False
    if SALUTATION.match(after.text):
        return False
    tail = fold(before.text).rstrip()
    if tail.endswith(":"):
        return False
    if _first_character(after.text).islower():
        return True
    # A long line of prose that stops without punctuation runs on to the next,
    # unless it is a heading with its verdict ("... protection: inadequate").
    if re.search(r":\s*\w+(?:\s+\w+){0,4}$", tail):
        return False
    return len(tail) > 80 and re.search(r"[A-Za-z,]$", tail) is not None


HEADINGS = (
    "areas covered by the visit",
    "areas covered",
    "headline findings",
    "findings and evaluation of progress",
    "evaluation of progress",
    "main findings",
    "findings",
    "overview",
    "summary",
    "areas for priority action",
    "areas for improvement",
    "what needs to improve",
    "what needs to improve?",
    "what needs to improve in this area of social work practice",
    "what needs to improve in this area of social work practice?",
    "what does the local authority need to improve?",
    "what does the local authority need to improve",
    "priority and immediate action",
    "recommendations",
    "summary for children and young people",
    "contents",
)


def heading_key(text):
    if text is None:
        return None
    key = squash(fold(text)).lower().rstrip(":").strip()
    return key if key in HEADINGS else None


def is_heading(text):
    return heading_key(text) is not None


def parse_day(token):
    return int(re.match(r"\d+", token).group())


def date_range(expression):
    """(start, end) of a date list such as "30 November and 1 December 2022".

    A date missing its month or year takes them from the next one that has them;
    a start that would then fall after the end belongs to the year before.
    """
    items = [
        (
            parse_day(match.group("day")),
            match.group("month"),
            match.group("year"),
        )
        for match in re.finditer(
            rf"(?P<day>{DAY})(?:\s+(?P<month>{MONTH}))?(?:,?\s+(?P<year>{YEAR}))?",
            expression,
            re.IGNORECASE,
        )
    ]
    if not items or not items[-1][1] or not items[-1][2]:
        return None
    month, year = items[-1][1], int(items[-1][2])
    dates = []
    for day, item_month, item_year in reversed(items):
        month = item_month or month
        year = int(item_year) if item_year else year
        try:
            when = date(year, MONTHS[month.lower()], day)
        except ValueError:
            return None
        if dates and when > dates[-1] and not item_year:
            when = when.replace(year=when.year - 1)
        dates.append(when)
    return dates[-1], dates[0]


def parse_full_date(text):
    found = re.search(rf"({DAY})\s+({MONTH})\s+({YEAR})", text, re.IGNORECASE)
    if not found:
        return None
    try:
        return date(int(found.group(3)), MONTHS[found.group(2).lower()], parse_day(found.group(1)))
    except ValueError:
        return None


def ordinal_number(word):
    word = word.lower()
    if word in ORDINALS:
        return ORDINALS[word]
    return int(re.match(r"\d+", word).group())
