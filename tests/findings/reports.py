"""Inspection reports written for the tests, in the layouts Ofsted's PDFs come out in.

The wording is invented; the layouts reproduce what text extraction gives from
published ILACS (2018 on) and SIF (2014 to 2018) reports: the judgement table as
label-grade rows, as all labels then all grades, with grades wrapped over lines,
or with a grade printed in the middle of a label that wrapped.
"""

ILACS_HEAD = """\
Inspection of Northshire local authority children's services

Inspection dates: 4 to 15 March 2024
Lead inspector: Priya Shah, His Majesty's Inspector

"""

ILACS_ROWS = (
    "Judgement Grade\n"
    "The impact of leaders on social work practice with children and families "
    "Requires improvement to be good\n"
    """\
The experiences and progress of children who need help and protection Inadequate
The experiences and progress of children in care Good
The experiences and progress of care leavers Requires improvement to be good
Overall effectiveness Inadequate
"""
)

# All labels first, then all grades, each grade wrapped over two or three lines.
ILACS_COLUMNS = """\
Judgement
The impact of leaders on social work practice with children and families
The experiences and progress of children who need help and protection
The experiences and progress of children in care
The experiences and progress of care leavers
Overall effectiveness
Grade
Requires
improvement to
be good
Inadequate
Good
Requires
improvement to
be good
Inadequate
"""

# A grade printed in the middle of a label that wrapped onto a second line.
ILACS_INTERLEAVED = """\
Judgement Grade
The impact of leaders on social work practice with Requires improvement
children and families to be good
The experiences and progress of children who need Inadequate
help and protection
The experiences and progress of children in care Good
The experiences and progress of care leavers Requires improvement
to be good
Overall effectiveness Inadequate
"""

EXPECTED_ILACS = {
    "impact_of_leaders": "requires_improvement",
    "help_and_protection": "inadequate",
    "children_in_care": "good",
    "care_leavers": "requires_improvement",
    "overall_effectiveness": "inadequate",
}

ILACS_BODY = """
Northshire's services for children have declined since the last inspection, and leaders
did not know how far.

What needs to improve?

\u2022 The timeliness and quality of assessments for children who need help and
protection, including when risks come from outside the home.
\u2022 Management oversight and supervision, so that plans for children progress
without delay.
\u2022 The suitability of accommodation for care leavers.

The experiences and progress of children who need help and protection: inadequate

Too many children wait too long for a response when they are at risk.
"""

ILACS_IMPROVEMENTS = [
    "The timeliness and quality of assessments for children who need help and protection, "
    "including when risks come from outside the home.",
    "Management oversight and supervision, so that plans for children progress without delay.",
    "The suitability of accommodation for care leavers.",
]

SIF = """\
Westborough Borough Council
Inspection of services for children in need of help and
protection, children looked after and care leavers
and
Review of the effectiveness of the Local Safeguarding Children
Board1
Inspection date: 9 November 2016 \u2013 1 December 2016
Report published: 20 January 2017
The overall judgement is that children\u2019s services require
improvement to be good
The judgements on areas of the service that contribute to overall effectiveness are:
1. Children who need help and protection
Requires
improvement
2. Children looked after and achieving
permanence
Inadequate
2.1 Adoption performance
Good
2.2 Experiences and progress of care leavers
Requires
improvement
3. Leadership, management and governance
Requires
improvement
Contents
The local authority
3
What does the local authority need to improve?
4

Page 2

What does the local authority need to improve?
Priority and immediate action
1. Make sure that every child looked after has a permanence plan agreed at the second
review.
Areas for improvement
2. Improve the quality of return home interviews for children who go missing, so that
the information gathered reduces risk.
3. Make sure that supervision records show the reasons for decisions.
Summary for children and young people
Lead inspector: Tomasz Nowak
"""

EXPECTED_SIF = {
    "overall_effectiveness": "requires_improvement",
    "help_and_protection": "requires_improvement",
    "looked_after_and_permanence": "inadequate",
    "adoption": "good",
    "care_leavers": "requires_improvement",
    "leadership_management_governance": "requires_improvement",
}

SIF_IMPROVEMENTS = [
    "Make sure that every child looked after has a permanence plan agreed at the second review.",
    "Improve the quality of return home interviews for children who go missing, so that the "
    "information gathered reduces risk.",
    "Make sure that supervision records show the reasons for decisions.",
]

# Newer ILACS reports (2025) lay the first page out differently: overall
# effectiveness may stand apart from the table of the other four judgements, above
# or below it, and the summary recalls the grade of the inspection before.
ILACS_2025_HEAD = """\
Inspection of Bournemouth, Christchurch and Poole local authority children's services

Inspection dates: 13 to 24 January 2025
Lead inspector: Priya Shah, His Majesty's Inspector

"""
ILACS_2025_FOUR = """\
Judgement Grade
The impact of leaders on social work practice with children and families Good
The experiences and progress of children who need help and protection Good
The experiences and progress of children in care Requires improvement to be good
The experiences and progress of care leavers Good
"""
ILACS_2025_SUMMARY = """
Children's services in Bournemouth, Christchurch and Poole were judged inadequate in
2022. Since then, leaders have rebuilt the front door and the workforce is stable.
"""
EXPECTED_ILACS_2025 = {
    "impact_of_leaders": "good",
    "help_and_protection": "good",
    "children_in_care": "requires_improvement",
    "care_leavers": "good",
    "overall_effectiveness": "requires_improvement",
}
ILACS_2025_LAYOUTS = {
    "overall above the table": (
        "Overall effectiveness Requires improvement to be good\n\n"
        "The judgements that contribute to overall effectiveness are:\n\n" + ILACS_2025_FOUR
    ),
    "overall below the table with a note mark": (
        ILACS_2025_FOUR + "\nOverall effectiveness is based on the judgements above.\n\n"
        "Overall effectiveness1 Requires improvement to be good\n"
    ),
    "overall below the table, its grade wrapped": (
        ILACS_2025_FOUR + "\nOverall effectiveness\nRequires\nimprovement to\nbe good\n"
    ),
    "overall stated in a sentence": (
        ILACS_2025_FOUR + "\nThe overall effectiveness of children\u2019s services in Bournemouth, "
        "Christchurch and Poole is judged to be requires improvement to be good.\n"
    ),
}
