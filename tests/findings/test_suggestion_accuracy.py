"""How often the importer's suggested kind of finding is the one a person would
choose, on hand-labelled paragraphs: the seed letter's and paragraphs written for
the tests. Printed (``pytest -s``) and held above a floor, so it cannot slip back.

    .venv/bin/pytest tests/findings/test_suggestion_accuracy.py -s -q
"""

from pathlib import Path

import pytest
from django.conf import settings

from findings.importing import suggest_kind
from findings.letter_parser import parse_letter
from tests.findings.import_helpers import SEED_LETTER
from tests.findings.labelled_findings import (
    HELD_OUT,
    SEED_LETTER_KINDS,
    WRITTEN_FOR_THE_TESTS,
)


def seed_paragraphs():
    parsed = parse_letter((Path(settings.SEEDS_DIR) / SEED_LETTER).read_text(encoding="utf-8"))
    paragraphs = parsed["headline_findings"] + parsed["findings"]
    assert len(paragraphs) == len(SEED_LETTER_KINDS)
    return list(zip(paragraphs, SEED_LETTER_KINDS, strict=True))


def accuracy(labelled):
    right = [text for text, kind in labelled if suggest_kind(text) == kind]
    return len(right), len(labelled)


def report(name, labelled):
    right, total = accuracy(labelled)
    print(f"\nsuggested kinds, {name}: {right} of {total} right ({100 * right / total:.0f}%)")
    return right / total


@pytest.mark.requires_seeds
def test_suggestions_on_the_seed_letter():
    assert report("seed letter", seed_paragraphs()) >= 0.9


def test_suggestions_on_paragraphs_written_for_the_tests():
    assert report("letters written for the tests", WRITTEN_FOR_THE_TESTS) >= 0.8


def test_suggestions_on_paragraphs_held_out_from_choosing_the_cues():
    assert report("paragraphs held out", HELD_OUT) >= 0.5


@pytest.mark.requires_seeds
@pytest.mark.parametrize(
    "opening",
    ["For some families, this includes targeted support", "Conversely, quality assurance"],
)
def test_weaknesses_after_praise_are_not_strengths(opening):
    paragraphs = [text for text, _kind in seed_paragraphs()]
    (found,) = [text for text in paragraphs if opening in text]
    assert suggest_kind(found) != "strength"
