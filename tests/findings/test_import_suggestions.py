"""What the importer suggests before the person checks it: the kind of each finding,
its summary, the area of concern each area covered matches, and how posted rows are
removed, split and added without JavaScript."""

import pytest
from django.http import QueryDict

from findings import importing
from findings.import_forms import FINDINGS, posted_rows, rebuild_rows
from findings.models import FindingKind
from inspections.models import JudgementArea

# Kinds ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "paragraph",
    [
        "Some children remain at risk of significant harm because visits are missed.",
        "Children were left in unsafe circumstances for too long.",
        "Decisions in the hub left children at unassessed risk.",
    ],
)
def test_it_reads_a_risk_to_children_as_a_serious_concern(paragraph):
    assert importing.suggest_kind(paragraph) == FindingKind.SERIOUS_CONCERN


@pytest.mark.parametrize(
    "paragraph",
    [
        "Care plans lack clear timescales and reviews are not always held.",
        "Audits have increased, but quality assurance is yet to have an impact for children.",
        "Plans have improved. However, too many children are not seen alone.",
    ],
)
def test_it_reads_a_weakness_as_an_area_for_improvement(paragraph):
    assert importing.suggest_kind(paragraph) == FindingKind.AREA_FOR_IMPROVEMENT


@pytest.mark.parametrize(
    "paragraph",
    [
        "Strategy meetings are timely and effective.",
        "Social workers\u2019 caseloads are now manageable and their morale has improved.",
    ],
)
def test_it_reads_praise_as_a_strength(paragraph):
    assert importing.suggest_kind(paragraph) == FindingKind.STRENGTH


def test_it_calls_a_paragraph_with_no_cue_an_area_for_improvement():
    assert importing.suggest_kind("The team moved offices in June.") == (
        FindingKind.AREA_FOR_IMPROVEMENT
    )


# Summaries --------------------------------------------------------------------------------


def test_it_summarises_a_finding_by_its_first_sentence():
    text = "Plans are reviewed monthly. Managers check them.\nThey are clear."
    assert importing.first_sentence(text) == "Plans are reviewed monthly."


def test_it_does_not_end_a_sentence_at_an_abbreviation_before_a_small_letter():
    text = "Staff, e.g. managers, are trained. Others are not."
    assert importing.first_sentence(text) == "Staff, e.g. managers, are trained."


def test_it_cuts_a_long_first_sentence_at_a_word_within_300_characters():
    text = "word " * 100
    summary = importing.first_sentence(text)
    assert len(summary) <= 300
    assert summary.endswith("word\u2026")


def test_it_cuts_a_long_improvement_into_a_title_of_200_characters():
    title = importing.short_title("improve " * 40)
    assert len(title) <= 200 and title.endswith("\u2026")


# Matching areas ---------------------------------------------------------------------------


def test_it_matches_an_area_reworded_by_the_letter():
    titles = ["Management oversight and supervision", "Care leavers' pathway plans"]
    match, score = importing.best_match(
        "The quality of recorded management oversight and critical challenge", titles
    )
    assert match == "Management oversight and supervision"
    assert score >= importing.AREA_MATCH_THRESHOLD


def test_it_offers_no_match_for_an_area_unlike_any_recorded():
    match, _score = importing.best_match(
        "Professional curiosity and the quality of assessments",
        ["Care leavers' pathway plans", "Placement sufficiency"],
    )
    assert match is None


def test_it_treats_curly_and_straight_apostrophes_alike():
    assert importing.similarity("Care leavers\u2019 plans", "Care leavers' plans") == 1.0


def test_it_suggests_the_area_a_finding_is_about_by_its_words():
    titles = ["Timeliness of child protection enquiries", "Care planning for children in care"]
    paragraph = "Too many care plans lack timescales, so planning drifts."
    assert importing.suggest_finding_area(paragraph, titles) == 1


def test_it_suggests_no_area_for_a_finding_about_none():
    titles = ["Timeliness of child protection enquiries"]
    assert importing.suggest_finding_area("Morale is high.", titles) is None


def test_it_tells_whether_a_document_names_the_authority_chosen():
    assert importing.names_same_authority("Devon children's services", "Devon County Council")
    assert not importing.names_same_authority("Torbay Council", "Devon County Council")


# Judgements -------------------------------------------------------------------------------


def test_it_maps_every_report_judgement_key_onto_a_judgement_area():
    keys = [
        "overall_effectiveness",
        "impact_of_leaders",
        "help_and_protection",
        "children_in_care",
        "care_leavers",
        "children_in_care_and_care_leavers",
        "looked_after_and_permanence",
        "adoption",
        "leadership_management_governance",
    ]
    areas = [importing.judgement_area(key) for key in keys]
    assert None not in areas
    assert len(set(areas)) == len(keys)
    assert importing.judgement_area("impact_of_leaders") == JudgementArea.LEADERS


def test_it_keeps_care_leavers_under_the_single_inspection_framework_apart():
    assert importing.judgement_area("care_leavers", "SIF") == JudgementArea.LEAVING_CARE
    assert importing.judgement_area("care_leavers", "ILACS") == JudgementArea.CARE_LEAVERS


# Rows without JavaScript ------------------------------------------------------------------


def posted(rows):
    data = QueryDict(mutable=True)
    data[f"{FINDINGS}-TOTAL_FORMS"] = str(len(rows))
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{FINDINGS}-{index}-{name}"] = value
    return data


def texts(data):
    return [row["text"][0] for row in posted_rows(data_as_querydict(data), FINDINGS)]


def data_as_querydict(data):
    query = QueryDict(mutable=True)
    for name, values in data.items():
        query.setlist(name, values)
    return query


def test_it_drops_rows_ticked_remove():
    data = posted([{"key": "f1", "text": "One."}, {"key": "f2", "text": "Two.", "DELETE": "on"}])
    assert texts(rebuild_rows(data, FINDINGS)) == ["One."]


def test_it_splits_a_finding_where_an_empty_line_was_left():
    data = posted([{"key": "f1", "text": "First part.\r\n\r\nSecond part.", "kind": "strength"}])
    rebuilt = data_as_querydict(rebuild_rows(data, FINDINGS, split=True))
    rows = posted_rows(rebuilt, FINDINGS)
    assert [row["text"][0] for row in rows] == ["First part.", "Second part."]
    assert [row["kind"][0] for row in rows] == ["strength", "strength"]
    assert len({row["key"][0] for row in rows}) == 2


def test_it_adds_an_empty_row_with_a_key_of_its_own():
    data = posted([{"key": "f1", "text": "One."}])
    rows = posted_rows(data_as_querydict(rebuild_rows(data, FINDINGS, add=True)), FINDINGS)
    assert len(rows) == 2
    assert rows[1]["key"][0] not in {"", "f1"}
    assert "text" not in rows[1]


def test_it_ignores_a_made_up_row_count():
    data = posted([{"key": "f1", "text": "One."}])
    data[f"{FINDINGS}-TOTAL_FORMS"] = "not a number"
    assert rebuild_rows(data, FINDINGS)[f"{FINDINGS}-TOTAL_FORMS"] == ["0"]


def test_it_makes_no_rows_of_a_row_count_with_nothing_posted():
    data = posted([{"key": "f1", "text": "One."}])
    data[f"{FINDINGS}-TOTAL_FORMS"] = "500"
    assert rebuild_rows(data, FINDINGS)[f"{FINDINGS}-TOTAL_FORMS"] == ["1"]
