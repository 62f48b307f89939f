"""A letter's text on a page: its Markdown read as headings, paragraphs and lists in
GOV.UK's styles, and nothing in the text able to add HTML of its own."""

from pathlib import Path

import pytest
from django.conf import settings

from inspections.letters import letter_html


def test_it_shows_headings_bold_and_lists_as_html_not_as_markdown():
    html = letter_html("### **Headline findings**\n\nSome text.\n\n- one\n- two\n")
    assert '<h3 class="govuk-heading-s"><strong>Headline findings</strong></h3>' in html
    assert '<p class="govuk-body">Some text.</p>' in html
    assert '<ul class="govuk-list govuk-list--bullet">\n<li>one</li>' in html
    assert "###" not in html and "**" not in html


def test_it_starts_the_letters_headings_below_the_pages_own():
    html = letter_html("# Letter\n\n## Part\n\n#### Detail")
    assert '<h3 class="govuk-heading-s">Letter</h3>' in html
    assert '<h3 class="govuk-heading-s">Part</h3>' in html
    assert '<h4 class="govuk-heading-s">Detail</h4>' in html
    assert "<h1" not in html and "<h2" not in html


def test_it_keeps_an_address_on_its_lines():
    html = letter_html("Stuart Collins  \nCounty Hall  \nExeter")
    assert html == '<p class="govuk-body">Stuart Collins<br>\nCounty Hall<br>\nExeter</p>\n'


@pytest.mark.parametrize(
    "text, never",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("<b onclick=steal()>bold</b>", "<b "),
        ("[click](javascript:alert(1))", 'href="javascript'),
        ('<a href="https://evil.example">x</a>', "<a href"),
        ("![tracker](https://evil.example/pixel.png)", "<img"),
    ],
)
def test_html_in_a_letter_stays_text(text, never):
    html = letter_html(text)
    assert never not in html


def test_a_link_in_a_letter_is_a_govuk_link_that_opens_nothing_else():
    html = letter_html("See [the report](https://reports.ofsted.gov.uk/provider/44/80499).")
    assert (
        '<a href="https://reports.ofsted.gov.uk/provider/44/80499" class="govuk-link" '
        'rel="noopener noreferrer">the report</a>'
    ) in html


def test_an_empty_letter_is_nothing():
    assert letter_html("") == ""
    assert letter_html(None) == ""


@pytest.mark.requires_seeds
def test_the_seed_letter_reads_as_a_letter():
    text = (Path(settings.SEEDS_DIR) / "devon-monitoring-visit-letter-2024-03.txt").read_text()
    html = letter_html(text)
    assert html.count("<h3") >= 4
    assert "###" not in html and "**" not in html
    assert '<li>Professional curiosity and the quality of assessments.</li>' in html
