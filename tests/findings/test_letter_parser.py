import json

import pytest
from django.conf import settings

from findings.documents import extract_text
from findings.letter_parser import LETTER_KEYS, looks_like_ofsted_letter, parse_letter
from tests.findings.document_files import make_docx, make_pdf
from tests.findings.letters import (
    AREAS,
    FINDING_STARTS,
    HEADLINE_STARTS,
    LETTER,
    as_pdf_pages,
    letter,
)

INTRO_INSPECTORS = "His Majesty's Inspectors for this visit were Amy Lee and Raj Patel."
AREA_LIST = (
    "- The timeliness of initial child protection conferences.\n"
    "- The quality of plans for children in need."
)


def openings(paragraphs):
    """The first three words of each paragraph: enough to tell them apart."""
    return [" ".join(p.split()[:3]) for p in paragraphs]


# --- the letter as written -------------------------------------------------


def test_it_returns_exactly_the_command_keys_as_json_ready_values():
    result = parse_letter(letter())

    assert tuple(result) == LETTER_KEYS
    assert json.loads(json.dumps(result)) == result


def test_it_reads_every_field_of_a_plain_letter():
    result = parse_letter(letter())

    assert result["authority"] == "Bournemouth, Christchurch and Poole Council"
    assert result["letter_date"] == "2022-12-14"
    assert result["visit_kind"] == "monitoring"
    assert (result["visit_start"], result["visit_end"]) == ("2022-11-30", "2022-12-01")
    assert result["visit_number"] == 3
    assert result["inadequate_since"] == "2021-12"
    assert result["inspectors"] == ["Amy Lee", "Raj Patel"]
    assert result["areas_covered"] == AREAS
    assert openings(result["headline_findings"]) == openings(HEADLINE_STARTS)
    assert openings(result["findings"]) == openings(FINDING_STARTS)
    assert result["signatory"] == "Amy Lee"


def test_it_recognises_a_letter():
    assert looks_like_ofsted_letter(letter())


def test_it_does_not_take_a_committee_report_for_a_letter():
    text = "Report of the Cabinet Member\n\nOfsted carried out a focused visit in May.\n"

    assert not looks_like_ofsted_letter(text)


def test_it_returns_nothing_but_empty_fields_for_unrelated_text():
    result = parse_letter("Minutes of the parish council meeting held on 3 May 2023.")

    assert all(value in (None, []) for value in result.values())


# --- the variations real letters show --------------------------------------


def test_it_reads_her_majestys_inspectors_in_lower_case():
    text = letter(replace={"His Majesty's Inspectors": "Her Majesty’s inspectors"})

    assert parse_letter(text)["inspectors"] == ["Amy Lee", "Raj Patel"]


def test_it_reads_inspectors_named_before_their_title():
    text = letter(
        replace={
            INTRO_INSPECTORS: "The inspectors were Amy Lee and Raj Patel, Her Majesty's Inspectors."
        }
    )

    assert parse_letter(text)["inspectors"] == ["Amy Lee", "Raj Patel"]


def test_it_reads_each_inspector_followed_by_a_title():
    text = letter(
        replace={
            INTRO_INSPECTORS: "The visit was carried out by Amy Lee, His Majesty's Inspector "
            "(HMI), and Raj O'Neill, Ofsted Inspector."
        }
    )

    assert parse_letter(text)["inspectors"] == ["Amy Lee", "Raj O'Neill"]


def test_it_reads_a_title_saying_monitoring_visit_of():
    text = letter(replace={"Monitoring visit to Bournemouth": "Monitoring visit of Bournemouth"})

    assert parse_letter(text)["visit_kind"] == "monitoring"


def test_it_reads_the_visit_number_from_the_visit_was_the():
    text = letter(
        replace={"This was the third monitoring": "The visit was the eleventh monitoring"}
    )

    assert parse_letter(text)["visit_number"] == 11


def test_it_reads_the_visit_number_written_in_figures():
    text = letter(replace={"This was the third monitoring": "This was the 4th monitoring"})

    assert parse_letter(text)["visit_number"] == 4


def test_it_reads_a_one_day_visit():
    text = letter(replace={"on 30 November and 1 December 2022": "on 6 December 2022"})

    result = parse_letter(text)

    assert (result["visit_start"], result["visit_end"]) == ("2022-12-06", "2022-12-06")


def test_it_reads_a_visit_across_two_years():
    text = letter(
        replace={"on 30 November and 1 December 2022": "on 31 December 2022 and 1 January 2023"}
    )

    result = parse_letter(text)

    assert (result["visit_start"], result["visit_end"]) == ("2022-12-31", "2023-01-01")


def test_it_puts_a_start_without_a_year_in_the_year_before_a_january_end():
    text = letter(
        replace={"on 30 November and 1 December 2022": "on 30 December and 2 January 2023"}
    )

    assert parse_letter(text)["visit_start"] == "2022-12-30"


@pytest.mark.parametrize("glyph", ["•", "▪", "●", "*", "\uf0b7", "1."])
def test_it_reads_areas_whatever_the_bullet_glyph(glyph):
    text = letter(
        replace={
            "- The timeliness": f"{glyph} The timeliness",
            "- The quality": f"{glyph} The quality",
        }
    )

    assert parse_letter(text)["areas_covered"] == AREAS


def test_it_reads_areas_whose_bullets_were_lost():
    text = letter(replace={"- The timeliness": "The timeliness", "- The quality": "The quality"})

    assert parse_letter(text)["areas_covered"] == AREAS


def test_it_reads_areas_written_as_a_sentence():
    sentence = (
        "the timeliness of initial child protection conferences; the quality of plans for "
        "children in need; and the impact of supervision."
    )
    text = letter(replace={"inspection:\n\n" + AREA_LIST: "inspection: " + sentence})

    assert parse_letter(text)["areas_covered"] == [
        "the timeliness of initial child protection conferences",
        "the quality of plans for children in need",
        "the impact of supervision",
    ]


def test_it_splits_a_sentence_of_areas_at_commas_outside_brackets():
    sentence = "the multi-agency safeguarding hub (MASH, the front door), and the quality of plans."
    text = letter(replace={"inspection:\n\n" + AREA_LIST: "inspection: " + sentence})

    assert parse_letter(text)["areas_covered"] == [
        "the multi-agency safeguarding hub (MASH, the front door)",
        "the quality of plans",
    ]


def test_it_keeps_a_quoted_phrase_with_commas_in_one_area():
    sentence = (
        "the \u2018step up, step down\u2019 arrangements between early help and social care, "
        'and the "front door, out of hours" service.'
    )
    text = letter(replace={"inspection:\n\n" + AREA_LIST: "inspection: " + sentence})

    assert parse_letter(text)["areas_covered"] == [
        "the \u2018step up, step down\u2019 arrangements between early help and social care",
        'the "front door, out of hours" service',
    ]


def test_it_reads_an_area_starting_with_a_curly_quote_from_a_pdf_without_bullets():
    areas = (
        "The timeliness of initial child protection conferences\n"
        "\u2018Step up, step down\u2019 between early help and social care\n"
        "The quality of plans for children in need"
    )
    text = letter(replace={"inspection:\n\n" + AREA_LIST: "inspection:\n" + areas})

    assert parse_letter(text)["areas_covered"] == areas.split("\n")


def test_it_drops_quotes_around_a_whole_area():
    text = letter(
        replace={
            "Inspectors reviewed the progress made in the following areas of concern identified "
            "at the last inspection:\n\n" + AREA_LIST: "Inspectors evaluated the progress made in "
            "\u2018the response to children at the front door\u2019."
        }
    )

    assert parse_letter(text)["areas_covered"] == ["the response to children at the front door"]


def test_it_finds_no_headline_findings_where_there_is_no_such_heading():
    start = LETTER.index("Headline findings")
    end = LETTER.index("Findings and evaluation of progress")
    text = LETTER[:start] + LETTER[end:]

    result = parse_letter(text)

    assert result["headline_findings"] == []
    assert openings(result["findings"]) == openings(FINDING_STARTS)


def test_it_reads_headings_in_bold_markup():
    text = letter(
        replace={
            "Areas covered by the visit": "### **Areas covered by the visit**",
            "Headline findings": "**Headline findings**",
            "Findings and evaluation of progress": "__Findings and evaluation of progress__",
        }
    )

    result = parse_letter(text)

    assert result["areas_covered"] == AREAS
    assert openings(result["findings"]) == openings(FINDING_STARTS)


def test_it_reads_curly_apostrophes_as_straight_ones():
    text = letter().replace("'", "\u2019")

    result = parse_letter(text)

    assert result["authority"] == "Bournemouth, Christchurch and Poole Council"
    assert result["visit_kind"] == "monitoring"
    assert result["inspectors"] == ["Amy Lee", "Raj Patel"]


ADDRESS = (
    "Jane Doe\nCorporate Director for Children's Services\n"
    "Bournemouth, Christchurch and Poole Council\nCivic Centre\nBournemouth BH2 6DY\n"
)


@pytest.mark.parametrize(
    "address",
    [
        # The whole address on one line, as a letter copied from a web page gives it.
        "Jane Doe, Corporate Director for Children's Services, Bournemouth, Christchurch "
        "and Poole Council, Civic Centre, Bournemouth BH2 6DY\n",
        # The job title and the council on one line: long enough to read as prose.
        "Jane Doe\nCorporate Director for Children's Services, Bournemouth, Christchurch and "
        "Poole Council\nCivic Centre\nBournemouth BH2 6DY\n",
        "Jane Doe\nCorporate Director for Children's Services\n"
        "Bournemouth, Christchurch and Poole Council, Civic Centre, Bournemouth BH2 6DY\n",
    ],
    ids=["one line", "with the job title", "with the street"],
)
def test_it_reads_a_council_whose_name_has_commas_from_an_address_run_together(address):
    result = parse_letter(letter(replace={ADDRESS: address}))

    assert result["authority"] == "Bournemouth, Christchurch and Poole Council"
    assert result["letter_date"] == "2022-12-14"
    assert result["visit_start"] == "2022-11-30"


@pytest.mark.parametrize(
    ("line", "council"),
    [
        ("Jane Doe, Brighton and Hove City Council", "Brighton and Hove City Council"),
        (
            "Director, Royal Borough of Windsor and Maidenhead",
            "Royal Borough of Windsor and Maidenhead",
        ),
        ("City of York Council, West Offices, Station Rise", "City of York Council"),
    ],
)
def test_it_takes_no_person_or_job_into_the_councils_name(line, council):
    text = letter(replace={ADDRESS: line + "\n"})

    assert parse_letter(text)["authority"] == council


def test_it_takes_the_authority_from_the_title_when_there_is_no_address():
    text = letter()[letter().index("Monitoring visit to") :]

    assert parse_letter(text)["authority"] == "Bournemouth, Christchurch and Poole"


def test_it_reads_a_focused_visit_letter():
    text = letter(
        replace={
            "Monitoring visit to": "Focused visit to",
            "findings of the monitoring visit": "findings of the focused visit",
            "This was the third monitoring visit since the local authority was judged inadequate "
            "in December 2021. ": "",
        }
    )

    result = parse_letter(text)

    assert result["visit_kind"] == "focused"
    assert result["visit_number"] is None
    assert result["inadequate_since"] is None


def test_it_joins_a_paragraph_split_by_a_stray_blank_line():
    text = letter(replace={"recruited and the booking": "recruited and the\n\nbooking"})

    findings = parse_letter(text)["findings"]

    assert len(findings) == 3
    assert "recruited and the booking process" in findings[0]


def test_it_reads_a_reprint_that_starts_mid_letter():
    text = LETTER[LETTER.index("Headline findings") :]

    result = parse_letter(text)

    assert openings(result["findings"]) == openings(FINDING_STARTS)
    assert result["authority"] is None
    assert result["letter_date"] is None
    assert result["inspectors"] == []


def test_it_reads_a_newspaper_reprint_of_the_introduction():
    text = (
        "A local paper's lead-in about the letter.\n\n"
        + LETTER[LETTER.index("This letter summarises") :]
    )

    result = parse_letter(text)

    assert result["authority"] == "Bournemouth, Christchurch and Poole"
    assert result["visit_number"] == 3
    assert result["letter_date"] is None


# --- the same letter as a PDF and as a Word document -------------------------


def test_it_reads_a_pdf_with_page_furniture_and_hyphenation():
    pages = as_pdf_pages(letter(), header="Monitoring visit to BCP children's services")
    first = pages[0]
    at = next(i for i, line in enumerate(first) if line.startswith("Inspectors reviewed"))
    first[at] = first[at].replace("concern identified at", "con-")
    first.insert(at + 1, "cern identified at")
    text = extract_text("letter.pdf", make_pdf(pages))

    result = parse_letter(text)

    assert result["areas_covered"] == AREAS
    assert result["inspectors"] == ["Amy Lee", "Raj Patel"]
    assert openings(result["findings"]) == openings(FINDING_STARTS)
    assert not any("Page" in finding for finding in result["findings"])


def test_it_mends_a_word_hyphenated_across_a_pdf_line():
    pages = [
        [
            "Findings and evaluation of progress",
            "Conferences are now held within fif-",
            "teen working days.",
        ]
    ]

    findings = parse_letter(extract_text("letter.pdf", make_pdf(pages)))["findings"]

    assert findings == ["Conferences are now held within fifteen working days."]


def test_it_keeps_the_hyphen_of_a_prefix_split_across_a_pdf_line():
    pages = [["Findings and evaluation of progress", "The multi-", "agency hub is settled."]]

    findings = parse_letter(extract_text("letter.pdf", make_pdf(pages)))["findings"]

    assert findings == ["The multi-agency hub is settled."]


def test_it_joins_a_finding_split_across_pdf_pages():
    pages = as_pdf_pages(
        letter(),
        breaks_before=["Areas covered", "second chair was recruited"],
        header="Running header of the letter",
    )

    findings = parse_letter(extract_text("letter.pdf", make_pdf(pages)))["findings"]

    assert openings(findings) == openings(FINDING_STARTS)
    assert "almost all children, because a second chair was recruited" in findings[0]
    assert not any("Running header" in finding for finding in findings)


def test_it_reads_a_word_document_with_bulleted_areas():
    paragraphs = [line for p in LETTER.split("\n\n") for line in p.split("\n")]
    bullets = [line for line in paragraphs if line.startswith("- ")]
    data = make_docx(
        [line.removeprefix("- ") for line in paragraphs], bullets=[b[2:] for b in bullets]
    )

    result = parse_letter(extract_text("letter.docx", data))

    assert result["areas_covered"] == AREAS
    assert result["signatory"] == "Amy Lee"


# --- the seed letter --------------------------------------------------------


@pytest.fixture
def seed_letter():
    return parse_letter(
        (settings.SEEDS_DIR / "devon-monitoring-visit-letter-2024-03.txt").read_text()
    )


@pytest.mark.requires_seeds
def test_it_names_the_council_of_the_seed_letters_address_block(seed_letter):
    # The title says "Devon children's services"; the council addressed is the
    # body the tracker records.
    assert seed_letter["authority"] == "Devon County Council"


@pytest.mark.requires_seeds
def test_it_reads_the_seed_letters_dates_and_number(seed_letter):
    assert seed_letter["letter_date"] == "2024-03-28"
    assert seed_letter["visit_kind"] == "monitoring"
    assert (seed_letter["visit_start"], seed_letter["visit_end"]) == ("2024-03-05", "2024-03-06")
    assert seed_letter["visit_number"] == 7
    assert seed_letter["inadequate_since"] == "2020-01"


@pytest.mark.requires_seeds
def test_it_reads_the_seed_letters_inspectors_and_signatory(seed_letter):
    assert seed_letter["inspectors"] == ["Steve Lowe", "Tom Anthony"]
    assert seed_letter["signatory"] == "Steve Lowe"


@pytest.mark.requires_seeds
def test_it_reads_the_seed_letters_three_areas_in_order(seed_letter):
    assert [area.split()[:3] for area in seed_letter["areas_covered"]] == [
        ["Making", "sure", "that"],
        ["Professional", "curiosity", "and"],
        ["The", "quality", "of"],
    ]
    assert seed_letter["areas_covered"][0].endswith("(MASH) are acted on")


@pytest.mark.requires_seeds
def test_it_reads_the_seed_letters_two_headline_paragraphs_joined_across_the_break(seed_letter):
    headline = seed_letter["headline_findings"]

    assert len(headline) == 2
    assert "positive, significant and enduring" in headline[0]
    assert headline[1].startswith("When risks to children")


@pytest.mark.requires_seeds
def test_it_reads_the_seed_letters_findings_up_to_the_closing(seed_letter):
    findings = seed_letter["findings"]

    assert len(findings) == 11
    assert findings[0].startswith("Following a period")
    assert findings[-1].startswith("Since the last inspection")
    assert "meet their needs." in findings[2]
    assert "managers' guidance" in findings[8]
    assert not any("copying this letter" in finding for finding in findings)


@pytest.mark.requires_seeds
@pytest.mark.parametrize(
    "name",
    [
        "council-news-front-door-2024.txt",
        "news-radio-exe-2024-04.txt",
        "cabinet-member-report-focused-visit-2021.txt",
    ],
)
def test_it_reads_the_councils_reprints_without_inventing_a_letter(name):
    text = (settings.SEEDS_DIR / name).read_text()

    result = parse_letter(text)

    assert tuple(result) == LETTER_KEYS
    assert result["letter_date"] is None
    assert result["signatory"] is None
    assert not looks_like_ofsted_letter(text)


@pytest.mark.requires_seeds
def test_it_reads_what_the_council_news_reprint_states(seed_letter):
    result = parse_letter((settings.SEEDS_DIR / "council-news-front-door-2024.txt").read_text())

    assert result["visit_number"] == 7
    assert result["inadequate_since"] == "2020-01"
    assert result["visit_kind"] == "monitoring"
    assert result["authority"] is None
    assert result["inspectors"] == []
