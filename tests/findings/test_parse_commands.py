import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from findings.letter_parser import LETTER_KEYS
from findings.report_parser import REPORT_KEYS
from tests.findings.document_files import make_docx, make_pdf
from tests.findings.letters import AREAS, as_pdf_pages, letter
from tests.findings.reports import EXPECTED_SIF, SIF


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_it_prints_a_letters_fields_as_json_with_exactly_the_documented_keys(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text(letter())

    printed = json.loads(run("parse_letter", str(path), "--json"))

    assert tuple(printed) == LETTER_KEYS
    assert printed["visit_start"] == "2022-11-30"
    assert printed["areas_covered"] == AREAS


def test_it_prints_a_readable_summary_of_a_letter_without_json(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text(letter())

    printed = run("parse_letter", str(path))

    assert "Visit number: 3" in printed
    assert "  1. The timeliness of initial child protection conferences" in printed


def test_it_parses_a_letter_from_a_pdf(tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(make_pdf(as_pdf_pages(letter())))

    printed = json.loads(run("parse_letter", str(path), "--json"))

    assert printed["inspectors"] == ["Amy Lee", "Raj Patel"]


def test_it_parses_a_letter_from_a_docx(tmp_path):
    path = tmp_path / "letter.docx"
    path.write_bytes(make_docx(letter().split("\n\n")))

    printed = json.loads(run("parse_letter", str(path), "--json"))

    assert printed["letter_date"] == "2022-12-14"


def test_it_prints_a_reports_fields_as_json_with_exactly_the_documented_keys(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(SIF)

    printed = json.loads(run("parse_report", str(path), "--json"))

    assert tuple(printed) == REPORT_KEYS
    assert printed["judgements"] == EXPECTED_SIF


def test_it_prints_a_readable_summary_of_a_report_without_json(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(SIF)

    assert "  adoption: good" in run("parse_report", str(path))


def test_it_stops_with_the_documents_problem_for_a_bad_file(tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(b"not a pdf")

    with pytest.raises(CommandError, match="not a valid PDF"):
        run("parse_letter", str(path))


def test_it_stops_with_a_message_for_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("parse_report", str(tmp_path / "absent.pdf"))


@pytest.mark.requires_seeds
def test_it_prints_the_seed_letters_fields(tmp_path):
    printed = json.loads(
        run(
            "parse_letter",
            str(settings.SEEDS_DIR / "devon-monitoring-visit-letter-2024-03.txt"),
            "--json",
        )
    )

    assert printed["authority"] == "Devon County Council"
    assert printed["visit_number"] == 7
    assert len(printed["findings"]) == 11
