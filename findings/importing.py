"""Turning a parsed Ofsted letter or report into suggestions a person reviews.

Plain functions, no request: which existing area of concern an "area covered"
most resembles, what kind of finding a paragraph reads as, the summary a finding
starts with, and which judgement area each of the report parser's keys is.
Everything here only suggests; the review page lets the person change it.
"""

import re
from difflib import SequenceMatcher

from inspections.models import Inspection, JudgementArea

from .models import FindingKind

SUMMARY_LENGTH = 300
# Below this, an area covered is offered as a new area rather than a weak match.
AREA_MATCH_THRESHOLD = 0.5
# A finding is suggested for an area when it shares this share of the area's words.
FINDING_AREA_THRESHOLD = 0.3

# The report parser's judgement keys, as the inspections layer names the areas.
JUDGEMENT_AREAS = {
    "overall_effectiveness": JudgementArea.OVERALL,
    "impact_of_leaders": JudgementArea.LEADERS,
    "help_and_protection": JudgementArea.HELP_AND_PROTECTION,
    "children_in_care": JudgementArea.CHILDREN_IN_CARE,
    "care_leavers": JudgementArea.CARE_LEAVERS,
    "children_in_care_and_care_leavers": JudgementArea.IN_CARE_AND_LEAVERS,
    "looked_after_and_permanence": JudgementArea.LOOKED_AFTER,
    "adoption": JudgementArea.ADOPTION,
    "leadership_management_governance": JudgementArea.LEADERSHIP,
}
# Under the single inspection framework care leavers were judged within "children
# looked after", and the inspections layer keeps that judgement apart.
SIF_JUDGEMENT_AREAS = {**JUDGEMENT_AREAS, "care_leavers": JudgementArea.LEAVING_CARE}
INSPECTION_KINDS = {"ILACS": Inspection.Kind.ILACS_STANDARD, "SIF": Inspection.Kind.SIF}


def judgement_area(key, framework=None):
    """The JudgementArea a report parser key stands for, or None for one we do not know."""
    table = SIF_JUDGEMENT_AREAS if framework == "SIF" else JUDGEMENT_AREAS
    return table.get(key)


# Words ----------------------------------------------------------------------------------

STOP_WORDS = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "there",
        "these",
        "this",
        "those",
        "to",
        "was",
        "were",
        "which",
        "who",
        "with",
        "within",
        "whether",
        "when",
        "where",
        "while",
        "all",
        "any",
        "more",
        "most",
        "some",
        "such",
        "than",
        "too",
        "very",
        "not",
        "no",
        "children",
        "child",
        "children's",
        "local",
        "authority",
        "authority's",
    )
)
APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalise(text):
    """Lower case, straight apostrophes, punctuation to spaces, spaces collapsed."""
    text = (text or "").translate(APOSTROPHES).lower()
    text = re.sub(r"[^\w\s']", " ", text)
    return " ".join(text.split())


def stem(word):
    # A crude stem is enough to pair "assessments" with "assessment" and
    # "managers" with "management": the person checks every suggestion.
    word = word.strip("'")
    for suffix in ("ments", "ment", "ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:7]


def content_words(text):
    return {
        stem(word) for word in normalise(text).split() if word not in STOP_WORDS and len(word) > 2
    }


def similarity(first, second):
    """How alike two titles are, from 0 to 1: the better of their spelling's likeness
    (difflib) and the overlap of their words (Dice), so that a reworded title with the
    same key words still matches."""
    a, b = normalise(first), normalise(second)
    if not a or not b:
        return 0.0
    spelling = SequenceMatcher(None, a, b).ratio()
    words_a, words_b = content_words(a), content_words(b)
    overlap = (
        2 * len(words_a & words_b) / (len(words_a) + len(words_b)) if words_a and words_b else 0.0
    )
    return max(spelling, overlap)


def best_match(title, candidates, threshold=AREA_MATCH_THRESHOLD, label=str):
    """The candidate most like ``title`` (and its score), or (None, score) below the
    threshold. Ties go to the earlier candidate."""
    best, best_score = None, 0.0
    for candidate in candidates:
        score = similarity(title, label(candidate))
        if score > best_score:
            best, best_score = candidate, score
    return (best, best_score) if best_score >= threshold else (None, best_score)


# A paragraph repeats a finding already recorded when they are at least this alike:
# the same paragraph read from another copy of the letter (a PDF's line breaks and
# hyphens, a word corrected) stays far above it; two different paragraphs of one
# letter, which share its vocabulary, stay below.
FINDING_MATCH_THRESHOLD = 0.6


def match_findings(paragraphs, findings, threshold=FINDING_MATCH_THRESHOLD):
    """For each paragraph, (the finding it repeats, how alike) or None. The most alike
    pairs are taken first, and each finding is matched to one paragraph at most."""
    texts = [finding.evidence or finding.summary for finding in findings]
    pairs = sorted(
        (
            (similarity(paragraph, text), place, index)
            for place, paragraph in enumerate(paragraphs)
            for index, text in enumerate(texts)
        ),
        key=lambda pair: (-pair[0], pair[1], pair[2]),
    )
    matched, used = [None] * len(paragraphs), set()
    for score, place, index in pairs:
        if score < threshold:
            break
        if matched[place] is None and index not in used:
            matched[place] = (findings[index], score)
            used.add(index)
    return matched


# Words every council's name may share, which say nothing about which one it is.
AUTHORITY_WORDS = frozenset(
    (
        "council",
        "county",
        "city",
        "borough",
        "metropolitan",
        "district",
        "royal",
        "services",
        "london",
    )
)


def names_same_authority(named, authority_name):
    """Whether the name a document gives ("Devon children's services") could be the
    authority chosen ("Devon County Council"): they share a word that is not generic."""
    words = content_words(named) - {stem(word) for word in AUTHORITY_WORDS}
    return bool(words & content_words(authority_name))


def suggest_finding_area(paragraph, titles, threshold=FINDING_AREA_THRESHOLD):
    """The index in ``titles`` of the area a paragraph is most about, or None.

    A paragraph is about an area when it uses most of the area's own words; the
    area with the largest share wins.
    """
    words = content_words(paragraph)
    best, best_share = None, 0.0
    for index, title in enumerate(titles):
        title_words = content_words(title)
        if not title_words:
            continue
        share = len(words & title_words) / len(title_words)
        if share > best_share:
            best, best_share = index, share
    return best if best_share >= threshold else None


# Kinds of finding -------------------------------------------------------------------------

# What inspectors write when children are at risk now: any one of these, in a
# sentence that neither looks back nor denies it, reads as a serious concern.
SERIOUS_CUES = (
    "serious concern",
    "significant harm",
    "unsafe",
    "not safe",
    "at risk of harm",
    "unassessed risk",
    "left at risk",
    "remain at risk",
    "remained at risk",
    "inadequate",
    "widespread",
    "priority action",
)
# A sentence with one of these tells the story so far ("serious concerns were
# raised", "judged inadequate in January 2020") or says the risk was not found.
LOOKING_BACK = (
    "were raised",
    "was raised",
    "were rated",
    "was rated",
    "was judged",
    "were judged",
    "judged inadequate",
    "rated as inadequate",
    "at the time of",
    "since the last inspection",
    "did not find",
    "no longer",
    "not found",
)
# A weakness: each cue counts once against the strengths.
WEAKNESS_CUES = (
    "however",
    "conversely",
    "although",
    "too often",
    "too many",
    "too readily",
    "too slow",
    "too early",
    "slow",
    "lack",
    "not yet",
    "yet to",
    "still need",
    "still lack",
    "next step",
    "requires further",
    "require further",
    "needs to",
    "need to",
    "does not",
    "do not",
    "not always",
    "not consistently",
    "not routine",
    "not linked",
    "rarely",
    "seldom",
    "inconsistent",
    "vary",
    "variable",
    "weaker",
    "weak",
    "limited",
    "little",
    "delay",
    "drift",
    "poor",
    "insufficient",
    "generic",
    "without",
    "rather than",
    "unchallenged",
)
STRENGTH_CUES = (
    "improved",
    "improving",
    "improvement in",
    "effective",
    "positive",
    "timely",
    "strong",
    "good",
    "clear",
    "appropriately",
    "manageable",
    "encouraging",
    "quickly",
    "confident",
    "credible",
    "under control",
    "sensitive",
    "assured",
    "well supported",
    "spoke highly",
    "decisively",
    "is now",
    "are now",
    "has now",
    "now in line",
    "reviewed on time",
)
SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+")


def _count(cues, text):
    # Cues match at the start of a word: "lack" finds "lacks", "delay" finds "delays".
    return sum(1 for cue in cues if re.search(rf"\b{re.escape(cue)}", text))


def _is_serious(sentence):
    return bool(_count(SERIOUS_CUES, sentence)) and not _count(LOOKING_BACK, sentence)


def suggest_kind(paragraph):
    """Strength, area for improvement or serious concern, by the words inspectors use.

    A sentence with a serious-concern cue that is about now wins outright. Otherwise
    inspectors praise first and then say what is still wrong, and what is still
    wrong is what the council must act on: a paragraph whose last judging sentence
    finds as much fault as praise is an area for improvement, and so is one whose
    strengths do not outnumber its weaknesses.
    """
    sentences = [normalise(part) for part in SENTENCE_BREAK.split(paragraph or "")]
    if any(_is_serious(sentence) for sentence in sentences):
        return FindingKind.SERIOUS_CONCERN
    counted = [(_count(WEAKNESS_CUES, s), _count(STRENGTH_CUES, s)) for s in sentences]
    judging = [(weak, strong) for weak, strong in counted if weak or strong]
    if not judging:
        return FindingKind.AREA_FOR_IMPROVEMENT
    last_weak, last_strong = judging[-1]
    if last_weak and last_weak >= last_strong:
        return FindingKind.AREA_FOR_IMPROVEMENT
    weaknesses = sum(weak for weak, _strong in judging)
    strengths = sum(strong for _weak, strong in judging)
    if strengths > weaknesses:
        return FindingKind.STRENGTH
    return FindingKind.AREA_FOR_IMPROVEMENT


# Summaries ---------------------------------------------------------------------------------

SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u2019\u201d)]*\s+(?=[\"'\u2018\u201c(]*[A-Z0-9])")


def first_sentence(text, limit=SUMMARY_LENGTH):
    """The first sentence of ``text``, cut at a word and marked with an ellipsis if it
    is longer than ``limit`` characters."""
    text = " ".join((text or "").split())
    sentence = SENTENCE_END.split(text, maxsplit=1)[0].strip()
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "\u2026"


def short_title(text, limit=200):
    """A title for a new area of concern from an improvement's words: the whole item if
    it fits, or its start cut at a word."""
    text = " ".join((text or "").split()).rstrip(".")
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def split_paragraphs(text):
    """A finding's text split where the person left an empty line."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
