import json

import pytest

from findings.documents import extract_text
from findings.report_parser import REPORT_KEYS, looks_like_ofsted_report, parse_report
from tests.findings.document_files import make_docx, make_pdf
from tests.findings.reports import (
    EXPECTED_ILACS,
    EXPECTED_ILACS_2025,
    EXPECTED_SIF,
    ILACS_2025_FOUR,
    ILACS_2025_HEAD,
    ILACS_2025_LAYOUTS,
    ILACS_2025_SUMMARY,
    ILACS_BODY,
    ILACS_COLUMNS,
    ILACS_HEAD,
    ILACS_IMPROVEMENTS,
    ILACS_INTERLEAVED,
    ILACS_ROWS,
    SIF,
    SIF_IMPROVEMENTS,
)


def ilacs(table=ILACS_ROWS):
    return ILACS_HEAD + table + ILACS_BODY


def test_it_returns_exactly_the_command_keys_as_json_ready_values():
    result = parse_report(ilacs())

    assert tuple(result) == REPORT_KEYS
    assert json.loads(json.dumps(result)) == result


def test_it_reads_the_heading_fields_of_an_ilacs_report():
    result = parse_report(ilacs())

    assert result["authority"] == "Northshire"
    assert (result["inspection_start"], result["inspection_end"]) == ("2024-03-04", "2024-03-15")
    assert result["lead_inspector"] == "Priya Shah"
    assert result["framework"] == "ILACS"


@pytest.mark.parametrize(
    "table", [ILACS_ROWS, ILACS_COLUMNS, ILACS_INTERLEAVED], ids=["rows", "columns", "interleaved"]
)
def test_it_pairs_each_ilacs_judgement_with_its_grade(table):
    assert parse_report(ilacs(table))["judgements"] == EXPECTED_ILACS


def test_it_reads_the_single_judgement_for_children_in_care_and_care_leavers():
    table = (
        "Judgement Grade\n"
        "The experiences and progress of children in care and care leavers Good\n"
        "The experiences and progress of children who need help and protection Good\n"
    )

    assert parse_report(ILACS_HEAD + table)["judgements"] == {
        "children_in_care_and_care_leavers": "good",
        "help_and_protection": "good",
    }


def test_it_prefers_a_stated_grade_to_the_table():
    text = ilacs() + "\nThe experiences and progress of care leavers: good\n"

    assert parse_report(text)["judgements"]["care_leavers"] == "good"


def test_it_reads_the_whole_of_each_improvement_joined_across_lines():
    assert parse_report(ilacs())["improvements"] == ILACS_IMPROVEMENTS


def test_it_reads_improvements_whose_bullets_were_lost():
    text = ilacs().replace("\u2022 ", "")

    assert parse_report(text)["improvements"] == ILACS_IMPROVEMENTS


def test_it_reads_the_heading_fields_of_a_sif_report():
    result = parse_report(SIF)

    assert result["authority"] == "Westborough Borough Council"
    assert (result["inspection_start"], result["inspection_end"]) == ("2016-11-09", "2016-12-01")
    assert result["lead_inspector"] == "Tomasz Nowak"
    assert result["framework"] == "SIF"


def test_it_pairs_each_sif_judgement_with_its_wrapped_grade_and_drops_the_lscb():
    assert parse_report(SIF)["judgements"] == EXPECTED_SIF


def test_it_reads_sif_improvements_after_the_contents_page():
    assert parse_report(SIF)["improvements"] == SIF_IMPROVEMENTS


def test_it_reads_a_sif_table_flattened_onto_one_line():
    flat = " ".join(SIF.split())

    assert parse_report(flat)["judgements"] == EXPECTED_SIF


def test_it_recognises_reports_of_both_frameworks():
    assert looks_like_ofsted_report(ilacs())
    assert looks_like_ofsted_report(SIF)


def test_it_does_not_take_a_visit_letter_for_a_report():
    assert not looks_like_ofsted_report("Monitoring visit to Northshire children's services\n")


def test_it_leaves_out_what_the_report_does_not_state():
    result = parse_report("Inspection of Northshire local authority children's services\n")

    assert result["inspection_start"] is None
    assert result["lead_inspector"] is None
    assert result["judgements"] == {}
    assert result["improvements"] == []


def test_it_reads_a_report_pdf_with_the_table_in_columns():
    lines = ilacs(ILACS_COLUMNS).splitlines()
    pages = [lines[:20] + ["2"], lines[20:] + ["3"]]

    result = parse_report(extract_text("report.pdf", make_pdf(pages)))

    assert result["judgements"] == EXPECTED_ILACS
    assert result["improvements"] == ILACS_IMPROVEMENTS


def test_it_reads_a_report_docx_with_a_word_table():
    rows = [line.rsplit(" ", 1) for line in ILACS_ROWS.splitlines()[1:]]
    table = [["Judgement", "Grade"], *rows]
    data = make_docx(ILACS_HEAD.strip().split("\n\n"), table=table)

    result = parse_report(extract_text("report.docx", data))

    assert result["authority"] == "Northshire"
    assert result["judgements"]["help_and_protection"] == "inadequate"


@pytest.mark.parametrize("layout", ILACS_2025_LAYOUTS.values(), ids=ILACS_2025_LAYOUTS.keys())
def test_it_reads_the_overall_judgement_of_a_newer_report(layout):
    result = parse_report(ILACS_2025_HEAD + layout + ILACS_2025_SUMMARY)

    assert result["judgements"] == EXPECTED_ILACS_2025
    assert result["authority"] == "Bournemouth, Christchurch and Poole"


def test_it_takes_no_overall_judgement_from_the_last_inspections_grade():
    result = parse_report(ILACS_2025_HEAD + ILACS_2025_FOUR + ILACS_2025_SUMMARY)

    assert "overall_effectiveness" not in result["judgements"]
    assert len(result["judgements"]) == 4


def test_it_prefers_the_table_to_the_opening_sentence():
    opening = "Children\u2019s services in Northshire are good.\n\n"

    assert parse_report(ILACS_HEAD + opening + ILACS_ROWS)["judgements"] == EXPECTED_ILACS


def test_it_reads_a_newer_report_pdf_with_the_overall_judgement_apart():
    text = ILACS_2025_HEAD + ILACS_2025_LAYOUTS["overall above the table"] + ILACS_2025_SUMMARY
    lines = [line for line in text.splitlines() if line]

    result = parse_report(extract_text("report.pdf", make_pdf([lines[:9], lines[9:]])))

    assert result["judgements"] == EXPECTED_ILACS_2025
