"""``manage.py load_demo`` loads the demo council's story once, with a name on every row."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from simple_history.models import registered_models

from accounts.history import HISTORY_STARTS_REASON
from accounts.models import User
from accounts.roles import IMPROVEMENT_TEAM, SCRUTINY_MEMBER, SENIOR_LEADER
from actions.demo import LETTER_2024, seed_paragraphs
from actions.models import Impact, ImprovementAction, Rag, Status
from findings.models import Finding
from inspections.models import Visit

pytestmark = pytest.mark.django_db


def load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def row_counts(historical):
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model.__name__.startswith("Historical") == historical
    }


def tracked_models():
    """Every model whose changes are recorded, not the history tables themselves."""
    return [model for model in registered_models.values() if hasattr(model, "history")]


def seventh_visit():
    return Visit.objects.get(kind=Visit.Kind.MONITORING, number=7)


def test_it_adds_no_rows_when_run_again():
    load_demo()
    first = row_counts(historical=False)

    load_demo()

    assert row_counts(historical=False) == first
    assert first["actions.ImprovementAction"] > 0


def test_it_adds_no_history_when_run_again():
    load_demo()
    first = row_counts(historical=True)

    load_demo()

    assert row_counts(historical=True) == first
    assert first["actions.HistoricalImprovementAction"] > 0


def test_it_says_everything_was_already_present_on_a_rerun():
    load_demo()

    output = load_demo()

    assert "Loaded demo data: 0 users, 0 authorities" in output
    assert "(0 already present)" not in output


def test_it_gives_every_row_a_history_row_naming_a_person():
    # The roles' rows written when the database was made (where their history
    # starts, and each migration that changed what they may do) are the system's.
    written_by_migrations = {
        model: set(model.history.values_list("history_id", flat=True))
        for model in tracked_models()
    }

    load_demo()

    for model in tracked_models():
        for obj in model._default_manager.all():
            assert obj.history.exists(), f"{model.__name__} {obj.pk} has no history"
        unnamed = model.history.filter(history_user__isnull=True).exclude(
            history_id__in=written_by_migrations[model]
        )
        assert not unnamed.exists(), model.__name__


def test_only_the_migrations_write_roles_history_in_the_systems_name():
    unnamed = Group.history.filter(history_user__isnull=True)

    assert unnamed.filter(history_change_reason=HISTORY_STARTS_REASON).exists()
    assert not unnamed.filter(history_change_reason__isnull=True).exists()


def test_it_records_the_demo_improvement_officer_as_the_person_who_loaded_it():
    load_demo()
    officer = User.objects.get(email="improvement@example.org")

    action = ImprovementAction.objects.get(reference="A-009")

    assert {row.history_user for row in action.history.all()} == {officer}


def test_it_records_linking_an_action_to_its_findings_in_history():
    load_demo()
    action = ImprovementAction.objects.get(reference="A-009")

    latest = action.history.latest()

    assert latest.history_type == "~"
    assert latest.findings.count() == action.findings.count() == 2


def test_it_loads_the_seventh_monitoring_visit_as_the_letter_describes():
    load_demo()

    visit = seventh_visit()

    assert (visit.start_date, visit.end_date) == (date(2024, 3, 5), date(2024, 3, 6))
    assert visit.letter_date == date(2024, 3, 28)
    assert visit.is_published
    assert visit.inspector_names == ["Steve Lowe", "Tom Anthony"]
    assert [link.position for link in visit.area_links.order_by("position")] == [1, 2, 3]
    assert [area.title for area in visit.ordered_areas()] == [
        "Acting on decisions made in the multi-agency safeguarding hub (MASH)",
        "Professional curiosity and the quality of assessments",
        "Recorded management oversight and critical challenge",
    ]


def test_it_loads_actions_of_every_rag_colour():
    load_demo()

    rags = set(ImprovementAction.objects.with_rag().values_list("rag", flat=True))

    assert rags == {Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NONE}


def test_it_loads_completed_actions_with_and_without_evidenced_impact():
    load_demo()
    completed = ImprovementAction.objects.filter(status=Status.COMPLETED)

    assert completed.filter(impact=Impact.EVIDENCED, signed_off_at__isnull=False).exists()
    assert completed.filter(impact=Impact.EVIDENCED, signed_off_at__isnull=True).exists()
    assert completed.exclude(impact=Impact.EVIDENCED).exists()


def test_it_puts_the_demo_users_in_their_groups():
    load_demo()

    for email, role in [
        ("improvement@example.org", IMPROVEMENT_TEAM),
        ("leader@example.org", SENIOR_LEADER),
        ("councillor@example.org", SCRUTINY_MEMBER),
    ]:
        user = User.objects.get(email=email)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert not user.is_staff and not user.is_superuser
    administrator = User.objects.get(email="sysadmin@example.org")
    assert administrator.is_staff and administrator.is_superuser
    assert not administrator.groups.exists()
    owner = User.objects.get(email="owner@example.org")
    assert not owner.groups.exists()
    assert owner.line_manager.job_title == "Head of Service for the front door"
    assert owner.owned_actions.exists()


def test_it_prints_the_new_password_and_it_signs_in():
    output = load_demo()

    password = re.search(r"improvement@example\.org\s+.+?\s{2,}Improvement team\s+(\S+)", output)

    assert password, output
    assert User.objects.get(email="improvement@example.org").check_password(password[1])


def test_it_uses_the_demo_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-from-env")

    load_demo()

    assert User.objects.get(email="leader@example.org").check_password("a-demo-password-from-env")


def test_it_leaves_passwords_alone_on_a_rerun(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "the-first-password")
    load_demo()
    monkeypatch.setenv("DEMO_PASSWORD", "a-second-password")

    output = load_demo()

    assert "passwords are unchanged" in output
    assert "a-second-password" not in output
    assert User.objects.get(email="leader@example.org").check_password("the-first-password")


def test_it_sets_new_passwords_when_asked(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "the-first-password")
    load_demo()
    monkeypatch.setenv("DEMO_PASSWORD", "a-second-password")

    output = load_demo("--reset-passwords")

    assert "a-second-password" in output
    assert User.objects.get(email="leader@example.org").check_password("a-second-password")


@pytest.mark.requires_seeds
def test_it_takes_the_evidence_word_for_word_from_the_seed_letter():
    letter = (Path(settings.SEEDS_DIR) / LETTER_2024).read_text(encoding="utf-8")
    flattened_letter = " ".join(letter.split())

    load_demo()

    findings = Finding.objects.filter(visit=seventh_visit())
    assert findings.count() >= 10
    for finding in findings:
        assert finding.evidence, finding.summary
        assert " ".join(finding.evidence.split()) in flattened_letter
        # A whole paragraph, even where the file breaks one with a blank line.
        assert finding.evidence[0].isupper() and finding.evidence.endswith("."), finding.summary
        assert "\n\n" not in finding.evidence
    assert seventh_visit().letter_text == letter.strip()


def test_it_loads_without_evidence_when_the_seeds_are_absent(settings, tmp_path):
    settings.SEEDS_DIR = tmp_path / "no-seeds-here"

    output = load_demo()

    assert Finding.objects.count() > 0
    assert not Finding.objects.exclude(evidence="").exists()
    assert seventh_visit().letter_text == ""
    assert "The seed documents are not at" in output


def test_it_joins_a_paragraph_broken_by_a_blank_line():
    text = (
        "### **A heading**\n\nThe first paragraph runs on and\n\nfinishes here.\n\n"
        "A second one stands alone.\n\nYours sincerely\n\nA Name"
    )

    assert seed_paragraphs(text) == [
        "### **A heading**",
        "The first paragraph runs on and finishes here.",
        "A second one stands alone.",
        "Yours sincerely",
        "A Name",
    ]


def test_a_rerun_takes_the_admin_from_accounts_an_older_loader_made_staff():
    load_demo()
    councillor = User.objects.get(email="councillor@example.org")
    councillor.is_staff = True  # as the demo loader once made every role
    councillor.save()

    load_demo()

    councillor.refresh_from_db()
    assert not councillor.is_staff
    newest = councillor.history.latest()
    assert newest.history_user == User.objects.get(email="improvement@example.org")
    assert User.objects.get(email="sysadmin@example.org").is_superuser


def test_the_improvement_officer_gives_roles_and_the_system_administrator_is_printed():
    output = load_demo()

    assert User.objects.get(email="improvement@example.org").has_perm("accounts.manage_roles")
    assert not User.objects.get(email="leader@example.org").has_perm("accounts.manage_roles")
    assert re.search(r"sysadmin@example\.org\s+.+?\s{2,}System administrator\s+\S+", output)
    load_demo()
    assert User.objects.get(email="improvement@example.org").user_permissions.count() == 1


def test_its_words_on_visits_and_inspections_say_what_is_known_not_where_it_came_from(
    client,
):
    from inspections.models import Inspection

    load_demo()
    officer = User.objects.get(email="improvement@example.org")
    client.force_login(officer)
    for record in [*Visit.objects.all(), *Inspection.objects.all()]:
        assert "seed" not in record.notes.lower(), record
    for visit in Visit.objects.all():
        page = client.get(visit.get_absolute_url()).content.decode().lower()
        assert "seed" not in page, visit
