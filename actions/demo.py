"""Demo data: one council's improvement story, 2013 to 2024, for ``manage.py load_demo``.

The facts (dates, judgements, who visited, which areas a visit covered) come from the
seed documents in ``settings.SEEDS_DIR``; every summary, description and commentary
here is our own wording. A finding's evidence is the document's own paragraph (and a
visit's letter text the whole letter), so neither is written here: both are read from
the seed files when the data is loaded, and left blank where the seeds folder is absent.
People, progress updates and dates of the council's own actions are illustrative, not
taken from the documents, and so are the measures and their monthly figures, which
have their own module (``actions.demo_measures``).

Loading is idempotent: each row is looked up by its natural key and created only when
missing, never changed once it exists, so a second run adds no rows and no history.
Every row is written through ``save()`` in the name of the demo improvement-team
officer, so each one has a history row that says who made it.
"""

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.audit import acting_as, save_as
from accounts.granting import manage_roles_permission
from accounts.identity import normalise_email
from accounts.models import User
from accounts.roles import IMPROVEMENT_TEAM, SCRUTINY_MEMBER, SENIOR_LEADER
from actions.demo_measures import load_measures
from actions.models import ActionUpdate, Impact, ImprovementAction, Priority, Status
from findings.models import AreaRating, Finding
from inspections.models import (
    AreaOfConcern,
    Grade,
    Inspection,
    Judgement,
    LocalAuthority,
    Visit,
    VisitArea,
)
from measures.models import Measure, MeasureValue

CHANGE_REASON = "Loaded as demo data (manage.py load_demo)"
MONTH_ONLY = "Only the month is recorded: the date shown is the first of that month."

LETTER_2024 = "devon-monitoring-visit-letter-2024-03.txt"
CABINET_REPORT_2021 = "cabinet-member-report-focused-visit-2021.txt"

# The order of the summary, and the words it uses for each model.
MODEL_LABELS = [
    (User, "user", "users"),
    (LocalAuthority, "authority", "authorities"),
    (Inspection, "inspection", "inspections"),
    (Judgement, "judgement", "judgements"),
    (AreaOfConcern, "area of concern", "areas of concern"),
    (Visit, "visit", "visits"),
    (VisitArea, "visit area", "visit areas"),
    (Finding, "finding", "findings"),
    (AreaRating, "area rating", "area ratings"),
    (ImprovementAction, "action", "actions"),
    (ActionUpdate, "action update", "action updates"),
    (Measure, "measure", "measures"),
    (MeasureValue, "monthly figure", "monthly figures"),
]


# People -------------------------------------------------------------------------------
# Fictional officers and a councillor, one for each role, plus the officers who own
# actions and a system administrator. Listed so that a line manager always comes
# before the people they manage. The improvement-team officer comes first: every
# other row is written in their name. She leads the improvement work, so she gives
# and removes roles (``manages_roles``). Only the system administrator may open the
# Django admin: nobody else is staff, however an older demo database left them.

USERS = [
    {
        "email": "improvement@example.org",
        "full_name": "Priya Hartley",
        "job_title": "Improvement programme manager",
        "role": IMPROVEMENT_TEAM,
        "manages_roles": True,
    },
    {
        "email": "leader@example.org",
        "full_name": "Marcus Penrose",
        "job_title": "Director of Children's Services",
        "role": SENIOR_LEADER,
    },
    {
        "email": "councillor@example.org",
        "full_name": "Councillor Helen Treloar",
        "job_title": "Member of the children's scrutiny committee",
        "role": SCRUTINY_MEMBER,
    },
    {
        "email": "head.socialcare@example.org",
        "full_name": "Dominic Ashworth",
        "job_title": "Head of Children's Social Care",
        "line_manager": "leader@example.org",
    },
    {
        "email": "head.frontdoor@example.org",
        "full_name": "Rachel Okonjo",
        "job_title": "Head of Service for the front door",
        "line_manager": "head.socialcare@example.org",
    },
    {
        "email": "qa.lead@example.org",
        "full_name": "Gareth Pellow",
        "job_title": "Quality assurance lead",
        "line_manager": "head.socialcare@example.org",
    },
    {
        "email": "workforce.lead@example.org",
        "full_name": "Nadia Kerslake",
        "job_title": "Workforce lead",
        "line_manager": "head.socialcare@example.org",
    },
    {
        "email": "owner@example.org",
        "full_name": "Owen Fairbrother",
        "job_title": "Service manager, multi-agency safeguarding hub",
        "line_manager": "head.frontdoor@example.org",
    },
    {
        "email": "sysadmin@example.org",
        "full_name": "Alex Tremayne",
        "job_title": "Systems administrator, ICT",
        "system_administrator": True,
    },
]
ACTING_USER = USERS[0]["email"]
SYSTEM_ADMINISTRATOR = "System administrator"


# The authority, its inspections and their judgements -------------------------------------

AUTHORITY = {"name": "Devon County Council", "ofsted_code": "878"}

INSPECTIONS = {
    "cp2013": {
        "kind": Inspection.Kind.CHILD_PROTECTION,
        "start_date": date(2013, 5, 1),
        "notes": (
            f"{MONTH_ONLY} The council was placed under an improvement notice afterwards; "
            "it was lifted in February 2016."
        ),
        "judgements": {Judgement.Area.OVERALL: Grade.INADEQUATE},
    },
    "sif2015": {
        "kind": Inspection.Kind.SIF,
        "start_date": date(2015, 5, 1),
        "notes": (
            f"{MONTH_ONLY} This inspection led to the improvement notice being lifted. "
            "Care leavers' support and the handling of chronic neglect were the weak spots."
        ),
        "judgements": {
            Judgement.Area.OVERALL: Grade.REQUIRES_IMPROVEMENT,
            Judgement.Area.ADOPTION: Grade.GOOD,
            Judgement.Area.LEAVING_CARE: Grade.INADEQUATE,
        },
    },
    "send2018": {
        "kind": Inspection.Kind.SEND,
        "start_date": date(2018, 12, 1),
        "notes": (
            f"{MONTH_ONLY} A joint local area inspection of special educational needs and "
            "disability services. It gives no four-point judgements; it found the area's "
            "arrangements were not effective, so the council and its partners had to write "
            "a written statement of action."
        ),
        "judgements": {},
    },
    "ilacs2020": {
        "kind": Inspection.Kind.ILACS_STANDARD,
        "start_date": date(2020, 1, 1),
        "published_on": date(2020, 3, 17),
        "notes": (
            f"{MONTH_ONLY} A second inadequate judgement within five years; the Department "
            "for Education issued a statutory direction and later appointed a commissioner."
        ),
        "judgements": {
            Judgement.Area.OVERALL: Grade.INADEQUATE,
            Judgement.Area.LEADERS: Grade.INADEQUATE,
            Judgement.Area.IN_CARE_AND_LEAVERS: Grade.INADEQUATE,
            Judgement.Area.HELP_AND_PROTECTION: Grade.REQUIRES_IMPROVEMENT,
        },
    },
}


# Areas of concern from the January 2020 inspection ---------------------------------------
# The first three are the front-door areas the March 2024 letter lists, in its order.

AREAS = {
    "mash": {
        "title": "Acting on decisions made in the multi-agency safeguarding hub (MASH)",
        "description": (
            "Once the MASH has decided how to respond to a concern about a child, that "
            "decision must be carried out promptly so that no child is left at risk."
        ),
    },
    "assessments": {
        "title": "Professional curiosity and the quality of assessments",
        "description": (
            "Social workers need to look beyond what they are first told, see and hear "
            "children themselves, and write assessments that analyse every risk."
        ),
    },
    "oversight": {
        "title": "Recorded management oversight and critical challenge",
        "description": (
            "Managers' direction and their challenge of social workers' thinking should be "
            "visible on children's records, not just a sign-off."
        ),
    },
    "neglect": {
        "title": "Responding to long-standing neglect and using pre-proceedings",
        "description": (
            "Where neglect had gone on for years, decisions to start legal action came too "
            "late, and the pre-proceedings stage of the public law outline was used "
            "inconsistently."
        ),
    },
    "care_leavers": {
        "title": "Supporting care leavers and preparing them for adulthood",
        "description": (
            "The most vulnerable care leavers, including some without a safe place to live, "
            "were not known to senior leaders and did not get the help a corporate parent "
            "should give."
        ),
    },
    "permanence": {
        "title": "Driving permanence for children in care",
        "description": (
            "Plans for children's permanent homes lacked firm oversight, and children were "
            "often helped to understand their own history late, if ever."
        ),
    },
}
FRONT_DOOR = ["mash", "assessments", "oversight"]


# Visits -------------------------------------------------------------------------------------

INSPECTORS_2024 = "Steve Lowe\nTom Anthony"

VISITS = {
    "fv2018": {
        "follows": "sif2015",
        "kind": Visit.Kind.FOCUSED,
        "start_date": date(2018, 9, 1),
        "end_date": date(2018, 9, 1),
        "is_published": True,
        "notes": (
            f"{MONTH_ONLY} The visit looked at services for care leavers: it found "
            "accommodation much improved but slow progress overall."
        ),
    },
    "fv2019": {
        "follows": "sif2015",
        "kind": Visit.Kind.FOCUSED,
        "start_date": date(2019, 5, 1),
        "end_date": date(2019, 5, 1),
        "is_published": True,
        "notes": (
            f"{MONTH_ONLY} The visit looked at children in need and children with child "
            "protection plans: a steadier workforce, but practice still too variable."
        ),
    },
    "mv1": {
        "follows": "ilacs2020",
        "kind": Visit.Kind.MONITORING,
        "number": 1,
        "start_date": date(2020, 9, 22),
        "end_date": date(2020, 9, 23),
        "is_published": False,
        "notes": (
            "The first monitoring visit after the inadequate judgement, looking at the most "
            "vulnerable care leavers. Its letter was not published."
        ),
        "areas": ["care_leavers"],
    },
    "fv2021": {
        "follows": "ilacs2020",
        "kind": Visit.Kind.FOCUSED,
        "start_date": date(2021, 5, 26),
        "end_date": date(2021, 5, 27),
        "letter_date": date(2021, 7, 15),
        "is_published": True,
        "published_on": date(2021, 7, 15),
        "notes": (
            "A focused visit under the ILACS framework across help and protection, children "
            "in care and care leavers, and the impact of leaders, including the response to "
            "Covid-19."
        ),
        "areas": ["neglect", "care_leavers", "assessments"],
    },
    "mv2022": {
        "follows": "ilacs2020",
        "kind": Visit.Kind.MONITORING,
        "start_date": date(2022, 3, 1),
        "end_date": date(2022, 3, 1),
        "is_published": True,
        "notes": (
            f"{MONTH_ONLY} Its number in the series is not given either. The March 2024 "
            "letter places this visit in March 2022; the council's news release of 2024 "
            "says February 2022. The publication date is not recorded."
        ),
        "areas": FRONT_DOOR,
    },
    "mv7": {
        "follows": "ilacs2020",
        "kind": Visit.Kind.MONITORING,
        "number": 7,
        "start_date": date(2024, 3, 5),
        "end_date": date(2024, 3, 6),
        "letter_date": date(2024, 3, 28),
        "is_published": True,
        "inspectors": INSPECTORS_2024,
        "notes": (
            "A return to the front door, reported in the letter of 28 March 2024, which is "
            "published."
        ),
        "areas": FRONT_DOOR,
        "letter_file": LETTER_2024,
    },
}


# Findings -----------------------------------------------------------------------------------
# ``evidence`` names a seed document and the index of a paragraph in it, as
# ``seed_paragraphs`` splits it; the paragraph is read when the data is loaded.

S = Finding.Kind.STRENGTH
AFI = Finding.Kind.AREA_FOR_IMPROVEMENT
SERIOUS = Finding.Kind.SERIOUS_CONCERN
HEADLINE = Finding.Section.HEADLINE
DETAILED = Finding.Section.DETAILED

FINDINGS = {
    "mv7": [
        {
            "key": "mv7-backlog",
            "kind": S,
            "section": HEADLINE,
            "area": "mash",
            "summary": (
                "Leaders cleared the front-door backlog and built a permanent MASH team; no "
                "MASH decision seen had left a child's risk of serious harm unassessed."
            ),
            "evidence": (LETTER_2024, 11),
        },
        {
            "key": "mv7-seen-alone",
            "kind": SERIOUS,
            "section": HEADLINE,
            "area": "assessments",
            "summary": (
                "Children are often not seen alone during assessments because social "
                "workers back down when parents say no."
            ),
            "evidence": (LETTER_2024, 12),
        },
        {
            "key": "mv7-qa-headline",
            "kind": AFI,
            "section": HEADLINE,
            "area": "oversight",
            "summary": (
                "Managers' oversight is still unfocused, and the growth in quality assurance "
                "has not yet changed anything for children."
            ),
            "evidence": (LETTER_2024, 12),
        },
        {
            "key": "mv7-demand",
            "kind": S,
            "section": DETAILED,
            "area": "mash",
            "summary": (
                "The front door is coping with demand again; simpler processes and a "
                "consultation line run by social workers give referrers quicker answers."
            ),
            "evidence": (LETTER_2024, 14),
        },
        {
            "key": "mv7-early-help",
            "kind": AFI,
            "section": DETAILED,
            "area": "mash",
            "summary": (
                "Lower-level early help is patchy and uncoordinated, and nobody records on "
                "the child's file whether it worked."
            ),
            "evidence": (LETTER_2024, 16),
        },
        {
            "key": "mv7-background",
            "kind": AFI,
            "section": DETAILED,
            "area": "assessments",
            "summary": (
                "Background checks come back slowly, and decisions weigh risks inside the "
                "family far more than dangers outside the home such as exploitation."
            ),
            "evidence": (LETTER_2024, 17),
        },
        {
            "key": "mv7-safety-plans",
            "kind": AFI,
            "section": DETAILED,
            "area": "mash",
            "summary": (
                "Strategy discussions are prompt, out of hours too, but the safety plans that "
                "follow are vague about how and when each child will be seen."
            ),
            "evidence": (LETTER_2024, 19),
        },
        {
            "key": "mv7-caseloads",
            "kind": S,
            "section": DETAILED,
            "area": "assessments",
            "summary": (
                "Closer links between assessment teams and the MASH mean fewer families need "
                "allocating, and social workers' workloads are now reasonable."
            ),
            "evidence": (LETTER_2024, 20),
        },
        {
            "key": "mv7-assessment-quality",
            "kind": SERIOUS,
            "section": DETAILED,
            "area": "assessments",
            "summary": (
                "Assessments are uneven: in the weaker ones the social worker never talks to "
                "the child directly, usually after a parent has said no."
            ),
            "evidence": (LETTER_2024, 21),
        },
        {
            "key": "mv7-recorded-oversight",
            "kind": AFI,
            "section": DETAILED,
            "area": "oversight",
            "summary": (
                "Supervision is more regular and morale is up, but what managers record shows "
                "little reflection and often just agrees with the social worker."
            ),
            "evidence": (LETTER_2024, 22),
        },
        {
            "key": "mv7-quality-assurance",
            "kind": AFI,
            "section": DETAILED,
            "area": "oversight",
            "summary": (
                "Leaders see frontline practice more clearly, but audits have grown in number "
                "without yet becoming an independent check on practice."
            ),
            "evidence": (LETTER_2024, 23),
        },
        {
            "key": "mv7-waves",
            "kind": S,
            "section": DETAILED,
            "area": None,
            "summary": (
                "Front-door practice has risen and fallen in turn since 2020; the response to "
                "the latest dip is encouraging and rests on a sound plan."
            ),
            "evidence": (LETTER_2024, 24),
        },
    ],
    "fv2021": [
        {
            "key": "fv2021-pre-proceedings",
            "kind": S,
            "section": DETAILED,
            "area": "neglect",
            "summary": (
                "Pre-proceedings are used better and sooner, so children come into care when "
                "they should, and relations with the courts and Cafcass have improved."
            ),
            "evidence": (CABINET_REPORT_2021, 15),
        },
        {
            "key": "fv2021-care-leavers",
            "kind": S,
            "section": DETAILED,
            "area": "care_leavers",
            "summary": (
                "Care leavers are better served: the service has clearer direction, and staff "
                "keep at it until they have a relationship with each young person."
            ),
            "evidence": (CABINET_REPORT_2021, 16),
        },
        {
            "key": "fv2021-assessments",
            "kind": AFI,
            "section": DETAILED,
            "area": "assessments",
            "summary": (
                "Improvement is only beginning: assessments are weak, plans are not sharp "
                "enough and practice differs from one locality to another."
            ),
            "evidence": (CABINET_REPORT_2021, 17),
        },
        {
            "key": "fv2021-partnership",
            "kind": S,
            "section": DETAILED,
            "area": None,
            "summary": (
                "Partners pulled together well during the pandemic, and vulnerable children "
                "kept attending school at rates above the national average."
            ),
            "evidence": (CABINET_REPORT_2021, 13),
        },
    ],
    "mv2022": [
        {
            "key": "mv2022-not-seen",
            "kind": SERIOUS,
            "section": HEADLINE,
            "area": "mash",
            "summary": (
                "Children facing serious harm waited too long to be visited, and many stayed "
                "in unsafe homes longer than they should have."
            ),
            "evidence": (LETTER_2024, 8),
        },
        {
            "key": "mv2022-slipped",
            "kind": AFI,
            "section": HEADLINE,
            "area": None,
            "summary": "All three front-door areas had slipped back since earlier visits.",
            "evidence": None,
        },
    ],
}


# How each area was moving at each visit ----------------------------------------------------

R = AreaRating.Rating
RATINGS = {
    "mv1": {
        "care_leavers": (
            R.SOME_PROGRESS,
            "Feedback on the day pointed to leaders now knowing about the most vulnerable care "
            "leavers; a quicker joint response with partners was still needed.",
        ),
    },
    "fv2021": {
        "neglect": (
            R.IMPROVED,
            "Legal planning for children in neglect starts earlier and children enter care "
            "at the right time.",
        ),
        "care_leavers": (
            R.IMPROVED,
            "A clearer strategic focus and persistent staff are making a difference for care "
            "leavers.",
        ),
        "assessments": (
            R.NO_CHANGE,
            "Assessments are still not strong enough and plans remain imprecise.",
        ),
    },
    "mv2022": {
        "mash": (
            R.DECLINED,
            "Children at serious risk were not visited quickly enough after the MASH decided "
            "to act.",
        ),
        "assessments": (
            R.DECLINED,
            "Assessments did not get to children quickly enough, leaving some in unsafe homes.",
        ),
        "oversight": (
            R.DECLINED,
            "Managers did not catch the delays that left children waiting to be seen.",
        ),
    },
    "mv7": {
        "mash": (
            R.IMPROVED,
            "Waiting list gone and a permanent MASH team in place; no unassessed risk found "
            "in the decisions inspectors sampled.",
        ),
        "assessments": (
            R.SOME_PROGRESS,
            "Caseloads are manageable, but too many children are still not seen alone.",
        ),
        "oversight": (
            R.SOME_PROGRESS,
            "Supervision is more regular, yet recorded oversight and quality assurance are "
            "still to show an effect for children.",
        ),
    },
}


# Improvement actions -------------------------------------------------------------------------
# are the commissioner's recommendations to the council. The rest answer
# findings of the March 2024 visit. Completed actions have fixed dates in the past; open
# actions' dates are counted from the day the data is loaded, so the list always shows
# red, amber and green actions.


def _on(year, month, day, hour=10):
    return timezone.make_aware(datetime.combine(date(year, month, day), time(hour)))


def _days_ago(today, days, hour=10):
    return timezone.make_aware(datetime.combine(today - timedelta(days=days), time(hour)))


def _update(created_at, note, *, shareable, status="", impact=""):
    """A progress note by the action's owner, with any change of status or impact."""
    return {
        "created_at": created_at,
        "note": note,
        "shareable_with_scrutiny": shareable,
        "new_status": status,
        "new_impact": impact,
    }


def _commissioner(number):
    return f"Commissioner's report, September 2020, recommendation {number}"


MONITORING_LETTER_2024 = "Monitoring visit letter, March 2024"


def action_definitions(today):
    """The actions and their updates, with open actions' dates counted from ``today``."""
    amber_due = today + timedelta(days=min(10, settings.RAG_AMBER_WITHIN_DAYS))
    return [
        {
            "reference": "A-001",
            "title": "Keep delivering the improvement plan under the Improvement Partnership",
            "description": (
                "Carry on with the improvement plan and its priorities, with progress reported "
                "every month to the independently chaired Improvement Partnership."
            ),
            "success_measure": (
                "Each month the partnership sees current progress on every priority and "
                "challenges anything that slips."
            ),
            "source": _commissioner(1),
            "owner": "head.socialcare@example.org",
            "priority": Priority.HIGH,
            "status": Status.IN_PROGRESS,
            "start_date": date(2020, 10, 1),
            "due_date": today + timedelta(days=120),
            "areas": ["mash", "assessments", "oversight", "neglect", "care_leavers", "permanence"],
            "updates": [
                _update(
                    _days_ago(today, 95),
                    (
                        "The partnership reviewed the refreshed plan and agreed new milestones for "
                        "the front door."
                    ),
                    shareable=True,
                ),
                _update(
                    _days_ago(today, 40),
                    (
                        "Monthly highlight report sent to partners; two priorities are behind and "
                        "have gone to the director."
                    ),
                    shareable=False,
                ),
                _update(
                    _days_ago(today, 8),
                    (
                        "Plan updated after the March 2024 monitoring visit, with new actions on "
                        "assessments and quality assurance."
                    ),
                    shareable=True,
                ),
            ],
        },
        {
            "reference": "A-002",
            "title": "Agree and carry out a recruitment and retention strategy for social work",
            "description": (
                "Set out how the council will attract and keep social workers and team "
                "managers, within a wider workforce strategy that covers training, development "
                "and coaching for frontline managers."
            ),
            "success_measure": (
                "Fewer vacancies and agency workers, and every team manager through the "
                "coaching programme."
            ),
            "source": _commissioner(2),
            "owner": "workforce.lead@example.org",
            "priority": Priority.HIGH,
            "status": Status.COMPLETED,
            "impact": Impact.EVIDENCED,
            "start_date": date(2020, 10, 1),
            "due_date": date(2022, 3, 31),
            "completed_on": date(2022, 3, 25),
            "signed_off_by": "leader@example.org",
            "signed_off_at": _on(2022, 6, 20, 11),
            "areas": ["assessments", "oversight"],
            "updates": [
                _update(
                    _on(2021, 1, 15),
                    (
                        "Draft workforce strategy written with staff and trade union input; team "
                        "managers' pay is under review."
                    ),
                    shareable=False,
                    status=Status.IN_PROGRESS,
                ),
                _update(
                    _on(2021, 9, 20),
                    (
                        "Cabinet approved the recruitment and retention package and the first "
                        "campaign has started."
                    ),
                    shareable=True,
                ),
                _update(
                    _on(2022, 3, 25),
                    "Strategy in place; every team manager has finished the coaching programme.",
                    shareable=True,
                    status=Status.COMPLETED,
                ),
                _update(
                    _on(2022, 6, 10),
                    (
                        "Vacancy and agency rates have fallen two quarters running; evidence sent "
                        "for sign-off."
                    ),
                    shareable=True,
                    impact=Impact.EVIDENCED,
                ),
            ],
        },
        {
            "reference": "A-003",
            "title": "Make practice consistent and accountable across the county",
            "description": (
                "Agree common standards, reporting lines and performance expectations so that "
                "all four localities are held to the same account, while leaving room to meet "
                "local needs."
            ),
            "success_measure": "Audits show the same standard of practice in every locality.",
            "source": _commissioner(3),
            "owner": "head.socialcare@example.org",
            "priority": Priority.MEDIUM,
            "status": Status.COMPLETED,
            "impact": Impact.NOT_EVIDENCED,
            "start_date": date(2020, 10, 1),
            "due_date": date(2021, 12, 31),
            "completed_on": date(2021, 12, 17),
            "areas": ["assessments", "oversight"],
            "updates": [
                _update(
                    _on(2021, 3, 10),
                    (
                        "Practice standards agreed by the management team and published to all "
                        "staff."
                    ),
                    shareable=True,
                    status=Status.IN_PROGRESS,
                ),
                _update(
                    _on(2021, 12, 17),
                    (
                        "Every locality now reports performance in one format, reviewed at the "
                        "monthly challenge meeting."
                    ),
                    shareable=False,
                    status=Status.COMPLETED,
                ),
            ],
        },
        {
            "reference": "A-004",
            "title": "Strengthen locality working and the Locality Director role",
            "description": (
                "Give Locality Directors a clear lead in coordinating the local response to "
                "need, so services in each area work together more closely."
            ),
            "success_measure": (
                "Locality partnerships use shared data to target early help, and fewer "
                "families are referred again."
            ),
            "source": _commissioner(4),
            "owner": "head.frontdoor@example.org",
            "priority": Priority.MEDIUM,
            "status": Status.COMPLETED,
            "impact": Impact.EVIDENCED,
            "start_date": date(2020, 11, 2),
            "due_date": date(2021, 10, 31),
            "completed_on": date(2021, 10, 29),
            "areas": ["neglect"],
            "updates": [
                _update(
                    _on(2021, 2, 12),
                    (
                        "Locality Director role profile rewritten; locality partnership meetings "
                        "running online every month."
                    ),
                    shareable=True,
                    status=Status.IN_PROGRESS,
                ),
                _update(
                    _on(2021, 10, 29),
                    "New locality arrangements working in all four areas.",
                    shareable=True,
                    status=Status.COMPLETED,
                ),
                _update(
                    _on(2022, 4, 8),
                    (
                        "Re-referral audit shows families getting local help sooner; ready for the "
                        "senior leader to review."
                    ),
                    shareable=False,
                    impact=Impact.EVIDENCED,
                ),
            ],
        },
        {
            "reference": "A-005",
            "title": "Embed restorative practice in casework, partnerships and leadership",
            "description": (
                "Run a full programme of training, practice leads and follow-up so that the "
                "restorative approach is used consistently, with high challenge as well as "
                "high support."
            ),
            "success_measure": (
                "Audits find restorative practice used well and managers challenging drift."
            ),
            "source": _commissioner(5),
            "owner": "workforce.lead@example.org",
            "priority": Priority.MEDIUM,
            "status": Status.IN_PROGRESS,
            "start_date": date(2020, 11, 2),
            "due_date": today - timedelta(days=45),
            "areas": ["assessments", "neglect"],
            "updates": [
                _update(
                    _days_ago(today, 150),
                    (
                        "Training restarted after the pandemic pause; about two thirds of team "
                        "managers have now done it."
                    ),
                    shareable=True,
                ),
                _update(
                    _days_ago(today, 70),
                    (
                        "Practice leads say the approach is sometimes used to avoid challenge; "
                        "refresher sessions are being designed."
                    ),
                    shareable=False,
                ),
                _update(
                    _days_ago(today, 20),
                    (
                        "Deadline missed because of trainer vacancies; a new date goes to the "
                        "Improvement Partnership."
                    ),
                    shareable=False,
                ),
            ],
        },
        {
            "reference": "A-006",
            "title": "Bring in extra expertise and capacity, starting with Cornwall",
            "description": (
                "Use the Partners in Practice arrangement with Cornwall, and other support "
                "where needed, to add skills and capacity for improvement."
            ),
            "success_measure": "Peer review learning is built into the improvement plan.",
            "source": _commissioner(6),
            "owner": "head.socialcare@example.org",
            "priority": Priority.MEDIUM,
            "status": Status.COMPLETED,
            "impact": Impact.EMERGING,
            "start_date": date(2020, 10, 1),
            "due_date": date(2021, 6, 30),
            "completed_on": date(2021, 6, 30),
            "areas": ["care_leavers", "permanence"],
            "updates": [
                _update(
                    _on(2020, 12, 4),
                    (
                        "Peer reviewers from Cornwall started work on care leavers and permanence "
                        "planning."
                    ),
                    shareable=True,
                    status=Status.IN_PROGRESS,
                ),
                _update(
                    _on(2021, 6, 30),
                    (
                        "Peer support finished; its learning is now part of the care leavers and "
                        "permanence work."
                    ),
                    shareable=True,
                    status=Status.COMPLETED,
                    impact=Impact.EMERGING,
                ),
            ],
        },
        {
            "reference": "A-007",
            "title": "Explore regional joint work on recruitment, restorative practice and "
            "exploitation",
            "description": (
                "Work with neighbouring councils on shared approaches to recruiting social "
                "workers, embedding restorative practice and tackling exploitation."
            ),
            "success_measure": "A regional agreement in place on each of the three themes.",
            "source": _commissioner(7),
            "owner": "workforce.lead@example.org",
            "priority": Priority.LOW,
            "status": Status.IN_PROGRESS,
            "start_date": date(2021, 1, 4),
            "due_date": today + timedelta(days=200),
            "areas": ["assessments"],
            "updates": [
                _update(
                    _days_ago(today, 120),
                    (
                        "Joined the regional recruitment group; a shared agreement on agency pay is"
                        " under discussion."
                    ),
                    shareable=True,
                ),
                _update(
                    _days_ago(today, 30),
                    (
                        "Regional exploitation protocol drafted with the police; consultation ends "
                        "next month."
                    ),
                    shareable=False,
                ),
            ],
        },
        {
            "reference": "A-008",
            "title": "Run robust performance management across the whole service",
            "description": (
                "Improve management information and the way it is shared so that managers at "
                "every level use accurate, timely data to improve outcomes for children."
            ),
            "success_measure": (
                "Team managers use the dashboard in every supervision and data errors are rare."
            ),
            "source": _commissioner(8),
            "owner": "qa.lead@example.org",
            "priority": Priority.HIGH,
            "status": Status.IN_PROGRESS,
            "start_date": date(2020, 10, 1),
            "due_date": today - timedelta(days=10),
            "areas": ["oversight"],
            "updates": [
                _update(
                    _days_ago(today, 200),
                    "A dashboard refreshed daily is now open to all team managers.",
                    shareable=True,
                ),
                _update(
                    _days_ago(today, 60),
                    (
                        "Data errors in the case management system still hold up some reports; "
                        "fixes booked with the supplier."
                    ),
                    shareable=False,
                ),
                _update(
                    _days_ago(today, 5),
                    (
                        "The dashboard is not yet used in every supervision; the end date will have"
                        " to move."
                    ),
                    shareable=False,
                ),
            ],
        },
        {
            "reference": "A-009",
            "title": "See children on their own when parents refuse consent",
            "description": (
                "Set out when a parent's refusal must be challenged, with a manager's decision "
                "recorded, so that children at risk are seen and heard alone during "
                "assessments."
            ),
            "success_measure": (
                "Monthly audits show children seen alone in nearly every assessment where "
                "risk is suspected."
            ),
            "source": MONITORING_LETTER_2024,
            "owner": "owner@example.org",
            "priority": Priority.HIGH,
            "status": Status.IN_PROGRESS,
            "impact": Impact.EMERGING,
            "start_date": date(2024, 4, 15),
            "due_date": today + timedelta(days=90),
            "findings": ["mv7-seen-alone", "mv7-assessment-quality"],
            "areas": ["assessments"],
            "updates": [
                _update(
                    _days_ago(today, 100),
                    (
                        "Guidance on parental refusal drafted and tried out with two assessment "
                        "teams."
                    ),
                    shareable=True,
                ),
                _update(
                    _days_ago(today, 35),
                    (
                        "Team managers now review every assessment in which the child was not seen "
                        "alone."
                    ),
                    shareable=False,
                ),
                _update(
                    _days_ago(today, 6),
                    (
                        "Audit of 40 recent assessments: more children seen alone, though not yet "
                        "in every team."
                    ),
                    shareable=True,
                    impact=Impact.EMERGING,
                ),
            ],
        },
        {
            "reference": "A-010",
            "title": "Make safety plans after strategy discussions specific",
            "description": (
                "Agree a standard and a template so that every plan made after a strategy "
                "discussion says who will see the child, how and by when."
            ),
            "success_measure": (
                "Every safety plan sampled names who will see the child and by what date."
            ),
            "source": MONITORING_LETTER_2024,
            "owner": "owner@example.org",
            "priority": Priority.HIGH,
            "status": Status.NOT_STARTED,
            "start_date": None,
            "due_date": amber_due,
            "findings": ["mv7-safety-plans"],
            "areas": ["mash"],
            "updates": [
                _update(
                    _days_ago(today, 21),
                    (
                        "Template drafted with police and health; waiting for the safeguarding "
                        "partnership to agree it."
                    ),
                    shareable=False,
                ),
                _update(
                    _days_ago(today, 3),
                    "Partnership meeting booked; work to start the week after.",
                    shareable=True,
                ),
            ],
        },
        {
            "reference": "A-011",
            "title": "Make quality assurance change practice for children",
            "description": (
                "Refocus audits and other quality assurance on learning that changes practice, "
                "follow up every finding with the team, and audit jointly with statutory "
                "partners."
            ),
            "success_measure": (
                "Repeat audits show the weaknesses found earlier put right in most cases."
            ),
            "source": MONITORING_LETTER_2024,
            "owner": "qa.lead@example.org",
            "priority": Priority.HIGH,
            "status": Status.IN_PROGRESS,
            "start_date": date(2024, 4, 2),
            "due_date": today - timedelta(days=14),
            "findings": ["mv7-qa-headline", "mv7-quality-assurance"],
            "areas": ["oversight"],
            "updates": [
                _update(
                    _days_ago(today, 110),
                    (
                        "Audit programme redesigned so that each finding is followed up with the "
                        "team concerned."
                    ),
                    shareable=True,
                ),
                _update(
                    _days_ago(today, 45),
                    (
                        "First joint audit with police and health done; report due at the "
                        "safeguarding partnership."
                    ),
                    shareable=False,
                ),
                _update(
                    _days_ago(today, 4),
                    (
                        "Little evidence yet of practice changing; deadline missed and a recovery "
                        "plan is being written."
                    ),
                    shareable=False,
                ),
            ],
        },
        {
            "reference": "A-012",
            "title": "Link early-help records to children's records",
            "description": (
                "Record the outcome of early help and signposting on each child's case record, "
                "so that help that did not work is not simply offered again and cumulative "
                "risk can be seen."
            ),
            "success_measure": "Every early help outcome is visible on the child's record.",
            "source": MONITORING_LETTER_2024,
            "owner": "head.frontdoor@example.org",
            "priority": Priority.MEDIUM,
            "status": Status.BLOCKED,
            "start_date": date(2024, 5, 1),
            "due_date": today + timedelta(days=60),
            "findings": ["mv7-early-help"],
            "areas": ["mash"],
            "updates": [
                _update(
                    _days_ago(today, 80),
                    (
                        "Agreed what should be recorded on the child's record about early help "
                        "outcomes."
                    ),
                    shareable=True,
                    status=Status.IN_PROGRESS,
                ),
                _update(
                    _days_ago(today, 25),
                    (
                        "Blocked: the case management system change waits on a supplier release "
                        "that has been postponed."
                    ),
                    shareable=True,
                    status=Status.BLOCKED,
                ),
                _update(
                    _days_ago(today, 2),
                    (
                        "A manual stopgap is being tried in one locality until the system change "
                        "arrives."
                    ),
                    shareable=False,
                ),
            ],
        },
    ]


# Reading the seed documents ------------------------------------------------------------------

# A paragraph ends with one of these, perhaps followed by a closing quote or bracket.
_ENDS_A_SENTENCE = re.compile(r"[.!?:;][\"'\u2019\u201d)\]*]*$")


def seed_paragraphs(text):
    """Split a document into paragraphs at blank lines.

    The documents were converted from PDF, so a paragraph is sometimes broken by a
    blank line in mid-sentence. A block that does not end a sentence and is followed by
    one starting in lower case is the same paragraph, and the two are joined. Headings
    and sign-offs also lack a full stop, but what follows them starts with a capital, so
    they stay on their own.
    """
    text = text.replace("\r\n", "\n")
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        block = "\n".join(line.rstrip() for line in block.strip().splitlines())
        if not block:
            continue
        if paragraphs and not _ENDS_A_SENTENCE.search(paragraphs[-1]) and block[0].islower():
            paragraphs[-1] = f"{paragraphs[-1]} {block}"
        else:
            paragraphs.append(block)
    return paragraphs


class Seeds:
    """The seed documents, read once each; blank text and a notice where one is missing."""

    def __init__(self, folder, notices):
        self.folder = Path(folder)
        self.notices = notices
        self._texts = {}

    def text(self, name):
        if name not in self._texts:
            self._texts[name] = self._read(name)
        return self._texts[name]

    def _read(self, name):
        if not self.folder.is_dir():
            self._notice(
                f"The seed documents are not at {self.folder}: "
                "findings are loaded without their evidence and letters without their text."
            )
            return ""
        path = self.folder / name
        if not path.is_file():
            self._notice(f"{path} is missing: its evidence is left blank.")
            return ""
        return path.read_text(encoding="utf-8")

    def paragraph(self, name, index):
        paragraphs = seed_paragraphs(self.text(name))
        if not paragraphs:
            return ""
        if index >= len(paragraphs):
            self._notice(f"{name} has no paragraph {index}: that evidence is left blank.")
            return ""
        return paragraphs[index]

    def _notice(self, message):
        if message not in self.notices:
            self.notices.append(message)


# Loading -------------------------------------------------------------------------------------


@dataclass
class SignIn:
    email: str
    full_name: str
    role: str
    password: str | None  # None: the account existed and its password was not changed


@dataclass
class Report:
    created: dict = field(default_factory=dict)
    present: dict = field(default_factory=dict)
    sign_ins: list = field(default_factory=list)
    notices: list = field(default_factory=list)

    @property
    def counts(self):
        """(singular, plural, created, already present) for each model, in the
        summary's order."""
        return [
            (singular, plural, self.created.get(model, 0), self.present.get(model, 0))
            for model, singular, plural in MODEL_LABELS
        ]

    @property
    def total_created(self):
        return sum(self.created.values())

    @property
    def total_present(self):
        return sum(self.present.values())


def load(*, password=None, reset_passwords=False, seeds_dir=None, today=None):
    """Load the demo data and say what was created and what was already there.

    ``password`` is given to every account created (or, with ``reset_passwords``, to
    every demo account); without one, a random password is made for this run.
    """
    loader = _Loader(
        password=password,
        reset_passwords=reset_passwords,
        seeds_dir=settings.SEEDS_DIR if seeds_dir is None else seeds_dir,
        today=today or timezone.localdate(),
    )
    with transaction.atomic():
        loader.run()
    return loader.report


class _Loader:
    change_reason = CHANGE_REASON

    def __init__(self, *, password, reset_passwords, seeds_dir, today):
        self.report = Report()
        self.seeds = Seeds(seeds_dir, self.report.notices)
        self.today = today
        self.reset_passwords = reset_passwords
        self._password = password
        self.actor = None

    @property
    def password(self):
        # Made only when an account needs one, so a rerun prints no new password.
        if not self._password:
            self._password = secrets.token_urlsafe(12)
        return self._password

    def run(self):
        users = self.load_users()
        authority, _ = self.get_or_create(LocalAuthority, {"name": AUTHORITY["name"]}, AUTHORITY)
        inspections = self.load_inspections(authority)
        areas = self.load_areas(inspections["ilacs2020"])
        visits = self.load_visits(authority, inspections, areas)
        findings = self.load_findings(visits, areas)
        self.load_ratings(visits, areas)
        self.load_actions(users, findings, areas)
        load_measures(self, users, areas)

    def get_or_create(self, model, lookup, defaults=None):
        """``get_or_create`` by natural key, creating through ``save()`` in the actor's name.

        Django's own ``get_or_create`` saves before we could say who is acting, which
        would leave the history row without a person. ``defaults`` may be a function,
        called only when the row is created (reading a seed file, say).
        """
        try:
            obj = model._default_manager.get(**lookup)
        except model.DoesNotExist:
            values = defaults() if callable(defaults) else defaults or {}
            obj = model(**{**values, **lookup})
            self.save(obj)
            self._count(self.report.created, model)
            return obj, True
        self._count(self.report.present, model)
        return obj, False

    @staticmethod
    def _count(tally, model, number=1):
        tally[model] = tally.get(model, 0) + number

    def tally(self, model, *, created, present):
        """Count rows written, or found already there, other than by ``get_or_create``."""
        self._count(self.report.created, model, created)
        self._count(self.report.present, model, present)

    def save(self, obj, **kwargs):
        obj._change_reason = self.change_reason
        save_as(obj, self.actor or obj, **kwargs)

    def load_users(self):
        users = {}
        for spec in USERS:
            email = spec["email"]
            role = spec.get("role", "")
            user = User.objects.filter(email=normalise_email(email)).first()
            administers = spec.get("system_administrator", False)
            if user is None:
                user = User(
                    email=email,
                    full_name=spec["full_name"],
                    job_title=spec["job_title"],
                    is_staff=administers,
                    is_superuser=administers,
                    line_manager=users.get(spec.get("line_manager")),
                )
                user.set_password(self.password)
                # The first account is the improvement-team officer, who records their
                # own creation; everyone after is created in their name.
                self.save(user)
                if role:
                    user.groups.add(Group.objects.get(name=role))
                self._count(self.report.created, User)
                shown = self.password
            else:
                self._count(self.report.present, User)
                shown = None
                if self.reset_passwords:
                    user.set_password(self.password)
                    self.save(user, update_fields=["password"])
                    shown = self.password
            if email == ACTING_USER:
                self.actor = user
            self.keep_admin_to_administrators(user, administers)
            if spec.get("manages_roles"):
                self.give_manage_roles(user)
            users[email] = user
            label = SYSTEM_ADMINISTRATOR if administers else role or "Action owner"
            self.report.sign_ins.append(SignIn(email, user.full_name, label, shown))
        return users

    def keep_admin_to_administrators(self, user, administers):
        """Staff (and superuser) exactly when the account is the system
        administrator's: an account an older loader made staff loses it."""
        if (user.is_staff, user.is_superuser) != (administers, administers):
            user.is_staff = user.is_superuser = administers
            self.save(user, update_fields=["is_staff", "is_superuser"])

    def give_manage_roles(self, user):
        permission = manage_roles_permission()
        if not user.user_permissions.filter(pk=permission.pk).exists():
            acting_as(user, self.actor or user)
            user.user_permissions.add(permission)

    def load_inspections(self, authority):
        inspections = {}
        for key, spec in INSPECTIONS.items():
            inspection, _ = self.get_or_create(
                Inspection,
                {"authority": authority, "kind": spec["kind"], "start_date": spec["start_date"]},
                {"published_on": spec.get("published_on"), "notes": spec["notes"]},
            )
            for area, grade in spec["judgements"].items():
                self.get_or_create(
                    Judgement, {"inspection": inspection, "area": area}, {"grade": grade}
                )
            inspections[key] = inspection
        return inspections

    def load_areas(self, identified_at):
        areas = {}
        for key, spec in AREAS.items():
            areas[key], _ = self.get_or_create(
                AreaOfConcern,
                {"identified_at": identified_at, "title": spec["title"]},
                {"description": spec["description"]},
            )
        return areas

    def load_visits(self, authority, inspections, areas):
        visits = {}
        for key, spec in VISITS.items():
            visits[key], _ = self.get_or_create(
                Visit,
                {"authority": authority, "kind": spec["kind"], "start_date": spec["start_date"]},
                partial(self._visit_values, spec, inspections),
            )
            for position, area_key in enumerate(spec.get("areas", []), start=1):
                self.get_or_create(
                    VisitArea,
                    {"visit": visits[key], "area": areas[area_key]},
                    {"position": position},
                )
        return visits

    def _visit_values(self, spec, inspections):
        letter = spec.get("letter_file")
        return {
            "follows": inspections[spec["follows"]],
            "number": spec.get("number"),
            "end_date": spec["end_date"],
            "letter_date": spec.get("letter_date"),
            "is_published": spec["is_published"],
            "published_on": spec.get("published_on"),
            "inspectors": spec.get("inspectors", ""),
            "notes": spec["notes"],
            "letter_text": self.seeds.text(letter).strip() if letter else "",
        }

    def load_findings(self, visits, areas):
        findings = {}
        for visit_key, specs in FINDINGS.items():
            positions = {}
            for spec in specs:
                # Numbered in the order written here, separately in each section.
                positions[spec["section"]] = positions.get(spec["section"], 0) + 1
                findings[spec["key"]], _ = self.get_or_create(
                    Finding,
                    {"visit": visits[visit_key], "summary": spec["summary"]},
                    partial(self._finding_values, spec, areas, positions[spec["section"]]),
                )
        return findings

    def _finding_values(self, spec, areas, position):
        evidence = spec["evidence"]
        return {
            "kind": spec["kind"],
            "section": spec["section"],
            "area": areas[spec["area"]] if spec["area"] else None,
            "position": position,
            "evidence": self.seeds.paragraph(*evidence) if evidence else "",
        }

    def load_ratings(self, visits, areas):
        for visit_key, by_area in RATINGS.items():
            for area_key, (rating, commentary) in by_area.items():
                self.get_or_create(
                    AreaRating,
                    {"visit": visits[visit_key], "area": areas[area_key]},
                    {"rating": rating, "commentary": commentary},
                )

    def load_actions(self, users, findings, areas):
        for spec in action_definitions(self.today):
            defaults = {
                "title": spec["title"],
                "description": spec["description"],
                "success_measure": spec["success_measure"],
                "source": spec["source"],
                "owner": users[spec["owner"]],
                "priority": spec["priority"],
                "status": spec["status"],
                "impact": spec.get("impact", Impact.NOT_EVIDENCED),
                "start_date": spec["start_date"],
                "due_date": spec["due_date"],
                "completed_on": spec.get("completed_on"),
                "signed_off_by": users.get(spec.get("signed_off_by")),
                "signed_off_at": spec.get("signed_off_at"),
            }
            action, created = self.get_or_create(
                ImprovementAction, {"reference": spec["reference"]}, defaults
            )
            if created:
                # Each add() records a history row for the action through m2m_changed;
                # the action still names the actor from its save.
                acting_as(action, self.actor)
                if spec.get("findings"):
                    action.findings.add(*[findings[key] for key in spec["findings"]])
                if spec.get("areas"):
                    action.areas.add(*[areas[key] for key in spec["areas"]])
            for update in spec["updates"]:
                self.get_or_create(
                    ActionUpdate,
                    {"action": action, "note": update["note"]},
                    {**update, "author": users[spec["owner"]]},
                )
