"""Paragraphs of visit letters labelled by hand with the kind of finding a council's
improvement team would record, for measuring the importer's suggested kinds.

The seed letter's paragraphs are labelled by their place in it (as the letter
parser reads it); the rest are written for the tests, in the way inspectors write.
"""

from findings.models import FindingKind

STRENGTH = FindingKind.STRENGTH
IMPROVE = FindingKind.AREA_FOR_IMPROVEMENT
SERIOUS = FindingKind.SERIOUS_CONCERN

# The seed letter (devon-monitoring-visit-letter-2024-03.txt): headline findings
# first, then the findings and evaluation of progress.
SEED_LETTER_KINDS = [
    IMPROVE,  # four years on, progress slow; a credible plan, but much still to do
    IMPROVE,  # children not seen alone; oversight lacks clarity
    STRENGTH,  # demand at the front door under control
    STRENGTH,  # thresholds understood and applied appropriately
    IMPROVE,  # early help beyond the specialist support lacks coordination
    IMPROVE,  # background checks slow; wider risks rarely considered
    STRENGTH,  # far fewer unnecessary child protection enquiries
    IMPROVE,  # strategy discussions timely, but safety planning generic
    STRENGTH,  # assessment teams aligned with the MASH; caseloads manageable
    IMPROVE,  # assessments vary; children not spoken to
    IMPROVE,  # supervision improving, but records and oversight thin
    IMPROVE,  # quality assurance is yet to become the insight needed
    STRENGTH,  # the response to the latest dip is encouraging
]

WRITTEN_FOR_THE_TESTS = [
    (
        "Leaders have acted decisively to stabilise the workforce. Agency use has halved "
        "and social workers say they feel well supported by managers who know their "
        "children well.",
        STRENGTH,
    ),
    (
        "Return home interviews for children who go missing are not consistently offered, "
        "and when they are, the information gathered is rarely used to update plans.",
        IMPROVE,
    ),
    (
        "Inspectors found children living in unregistered placements without the oversight "
        "of a senior manager, leaving them at risk of harm.",
        SERIOUS,
    ),
    (
        "Personal advisers keep in touch with care leavers regularly and help them into "
        "education, training and work. Young people spoke highly of the support they receive.",
        STRENGTH,
    ),
    (
        "The local authority has introduced a new practice model, which staff welcome. It is "
        "too early to see its impact on the quality of plans, which remain variable.",
        IMPROVE,
    ),
    (
        "Disabled children's plans are reviewed on time, and their views are captured "
        "creatively through the use of communication aids.",
        STRENGTH,
    ),
    (
        "Although the number of audits has increased, they focus on compliance rather than "
        "on the difference made for children, and learning from them is yet to reach "
        "frontline practice.",
        IMPROVE,
    ),
    (
        "Private fostering arrangements are not identified, so children remain unassessed "
        "and unsafe in households that nobody has checked.",
        SERIOUS,
    ),
    (
        "Since the last visit, the timeliness of initial child protection conferences has "
        "improved markedly and is now in line with that of similar authorities.",
        STRENGTH,
    ),
    (
        "Managers' oversight is evident on most children's records. However, it seldom "
        "sets out what should happen next or by when, and drift in some plans goes "
        "unchallenged.",
        IMPROVE,
    ),
]

# Written after the cue words were last changed, and never used to choose them: the
# figure on these is the fairer guess at how the suggestions do on a new letter.
HELD_OUT = [
    (
        "Children in care benefit from stable placements, and most live with their "
        "brothers and sisters where this is in their best interests.",
        STRENGTH,
    ),
    (
        "Pathway plans are written with young people but are not updated when their "
        "circumstances change, so some do not reflect what they now need.",
        IMPROVE,
    ),
    (
        "Some children at risk of exploitation are not seen for weeks after concerns "
        "are raised, and remain at risk because no plan is in place to protect them.",
        SERIOUS,
    ),
    (
        "The virtual school tracks the attendance of children in care closely, and "
        "fewer children are now excluded from school.",
        STRENGTH,
    ),
    (
        "Senior leaders have an accurate understanding of the service's strengths and "
        "weaknesses, but the pace of change has been slow in the assessment service.",
        IMPROVE,
    ),
    (
        "Independent reviewing officers increasingly challenge drift in children's "
        "plans, and their footprint on records is clear.",
        STRENGTH,
    ),
]
