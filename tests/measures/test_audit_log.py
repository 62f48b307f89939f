"""A measure's and its values' changes are in the audit log and on their history
pages, said as people read them: who changed which month's figure, from what to
what, the month as "January 2024" and figures without trailing zeros."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.audit import save_as

from .. import factories

pytestmark = pytest.mark.django_db


def page_text(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<main") :]))


def test_a_corrected_value_reads_as_a_sentence_naming_who_corrected_it(team, improvement_officer):
    measure = factories.MeasureFactory(title="Children seen alone")
    value = factories.MeasureValueFactory(measure=measure, value=Decimal("80"))
    value.value, value.england = Decimal("82.5"), Decimal("70")
    save_as(value, improvement_officer)
    log = page_text(team.get(reverse("accounts:audit_log")))
    assert "Measure value Children seen alone: January 2024" in log
    assert "Value : 80 → changed to 82.5" in log
    assert "England : Not set → changed to 70" in log
    assert "Month : Not set → changed to January 2024" in log
    history = page_text(
        team.get(reverse("accounts:object_history", args=["measures", "measurevalue", value.pk]))
    )
    assert "Imogen Team Changed Value : 80 → changed to 82.5" in history.replace("  ", " ")


def test_a_measures_target_and_areas_are_in_the_log(team, improvement_officer):
    area = factories.AreaOfConcernFactory(title="Assessments")
    measure = factories.MeasureFactory(title="Caseloads", target=Decimal("90"))
    measure.target = Decimal("17.5")
    save_as(measure, improvement_officer)
    acting = save_as(measure, improvement_officer)
    acting.areas.add(area)
    log = page_text(team.get(reverse("accounts:audit_log")))
    assert "Target : 90 → changed to 17.5" in log
    assert "Areas of concern : added Assessments" in log
    assert "Imogen Team Measure Caseloads" in log


def test_a_councillor_cannot_read_the_log(councillor):
    assert councillor.get(reverse("accounts:audit_log")).status_code == 403
