"""Committee packs: frozen as at a committee's date by the improvement team, read by
scrutiny members as a page and a PDF, and never changed by later edits."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.audit import save_as
from actions.models import ActionUpdate, Status
from findings.models import AreaRating
from progress.models import CommitteePack
from progress.packs import all_actions, freeze
from tests import factories

pytestmark = pytest.mark.django_db

COMMITTEE_DAY = datetime.date(2024, 6, 20)


@pytest.fixture
def story(action_owner):
    inspection = factories.InspectionFactory()
    area = factories.AreaOfConcernFactory(identified_at=inspection, title="Front door")
    before = factories.VisitFactory(
        follows=inspection,
        number=1,
        start_date=datetime.date(2024, 3, 5),
        end_date=datetime.date(2024, 3, 6),
        published_on=datetime.date(2024, 4, 10),
    )
    after = factories.VisitFactory(
        follows=inspection,
        number=2,
        start_date=datetime.date(2024, 9, 3),
        end_date=datetime.date(2024, 9, 4),
        letter_date=datetime.date(2024, 9, 30),
        published_on=datetime.date(2024, 10, 10),
    )
    rating = factories.AreaRatingFactory(visit=before, area=area, rating=AreaRating.Rating.IMPROVED)
    factories.AreaRatingFactory(visit=after, area=area, rating=AreaRating.Rating.DECLINED)
    action = factories.ImprovementActionFactory(
        owner=action_owner, title="Audit the front door", due_date=datetime.date(2024, 6, 1)
    )
    action.areas.add(area)
    factories.ActionUpdateFactory(
        action=action,
        note="Shared before the committee",
        shareable_with_scrutiny=True,
        created_at=datetime.datetime(2024, 6, 1, 9, tzinfo=datetime.UTC),
    )
    return {"area": area, "before": before, "after": after, "rating": rating, "action": action}


def freeze_pack(user, title="June committee", day=COMMITTEE_DAY):
    return freeze(CommitteePack(title=title, committee_date=day), user)


def main_content(response):
    html = response.content.decode()
    return re.search(r"<main.*</main>", html, re.S).group(0)


def test_it_keeps_only_the_visits_up_to_the_committee_date(improvement_officer, story):
    matrix = freeze_pack(improvement_officer).snapshot["matrix"]
    assert [visit["pk"] for visit in matrix["visits"]] == [story["before"].pk]
    assert matrix["rows"][0]["cells"] == [{"rating": "improved", "label": "Improved"}]


def test_it_works_out_the_rag_as_at_the_committee_date(improvement_officer, story):
    # Due on 1 June: overdue (red) by 20 June, whatever today is.
    summary = freeze_pack(improvement_officer).snapshot["rag_summary"]
    counts = {row["rag"]: row["count"] for row in summary["rows"]}
    assert counts == {"red": 1, "amber": 0, "green": 0, "none": 0}
    assert summary["total"] == 1


def test_it_keeps_each_actions_progress_with_the_owners_job_title(improvement_officer, story):
    (action,) = all_actions(freeze_pack(improvement_officer))
    assert action["reference"] == story["action"].reference
    assert action["owner"] == "Head of Service"
    assert action["status"] == "not_started" and action["due_date"] == "2024-06-01"
    assert action["latest_update"] == {"date": "2024-06-01", "note": "Shared before the committee"}


def test_it_leaves_out_updates_after_the_date_and_unshared_ones(
    improvement_officer, action_owner, story
):
    factories.ActionUpdateFactory(
        action=story["action"],
        note="Shared after the committee",
        shareable_with_scrutiny=True,
        created_at=datetime.datetime(2024, 7, 1, 9, tzinfo=datetime.UTC),
    )
    factories.ActionUpdateFactory(
        action=story["action"],
        note="Internal note",
        created_at=datetime.datetime(2024, 6, 2, 9, tzinfo=datetime.UTC),
    )
    (action,) = all_actions(freeze_pack(improvement_officer))
    assert action["latest_update"]["note"] == "Shared before the committee"


def test_a_new_pack_reports_since_the_latest_earlier_pack(improvement_officer, story):
    first = freeze_pack(improvement_officer, "May committee", datetime.date(2024, 5, 20))
    freeze_pack(improvement_officer, "April committee", datetime.date(2024, 4, 20))
    second = freeze_pack(improvement_officer)
    assert second.previous == first
    assert second.snapshot["previous"]["title"] == "May committee"


def test_the_first_pack_has_nothing_to_compare_with(improvement_officer, story):
    pack = freeze_pack(improvement_officer)
    assert pack.previous is None and pack.snapshot["changes"] is None


def test_it_lists_a_status_change_made_between_two_packs(improvement_officer, story):
    freeze_pack(improvement_officer, "May committee", datetime.date(2024, 5, 20))
    action = story["action"]
    action.status = Status.IN_PROGRESS
    save_as(action, improvement_officer)
    changes = freeze_pack(improvement_officer).snapshot["changes"]
    texts = [change["text"] for change in changes]
    assert f"{action.reference} {action.title}: status changed from Not started to In progress" in (
        texts
    )


def test_it_lists_an_action_completed_and_a_new_rating_between_two_packs(
    improvement_officer, story
):
    freeze_pack(improvement_officer, "May committee", datetime.date(2024, 5, 20))
    action = story["action"]
    action.status, action.completed_on = Status.COMPLETED, datetime.date(2024, 6, 10)
    save_as(action, improvement_officer)
    visit = factories.VisitFactory(follows=story["before"].follows, number=3)
    factories.AreaRatingFactory(visit=visit, area=story["area"], rating="no_change")
    texts = [c["text"] for c in freeze_pack(improvement_officer).snapshot["changes"]]
    assert f"{action.reference} {action.title} completed (was not started)" in texts
    assert f"Front door: rated No change at {visit}" in texts


def test_changes_leave_out_what_scrutiny_may_not_read(improvement_officer, story):
    freeze_pack(improvement_officer, "May committee", datetime.date(2024, 5, 20))
    draft = factories.VisitFactory(
        follows=story["before"].follows, number=4, is_published=False, published_on=None
    )
    factories.AreaRatingFactory(visit=draft, area=story["area"], rating="declined")
    factories.ActionUpdateFactory(action=story["action"], note="Kept inside")
    changes = freeze_pack(improvement_officer).snapshot["changes"]
    assert changes == []


def test_a_frozen_pack_stays_the_same_after_later_edits(
    client, improvement_officer, scrutiny_member, story
):
    pack = freeze_pack(improvement_officer)
    client.force_login(scrutiny_member)
    url = reverse("progress:pack_detail", args=[pack.pk])
    page_before = main_content(client.get(url))
    snapshot_before = CommitteePack.objects.get(pk=pack.pk).snapshot

    action = story["action"]
    action.status, action.title = Status.BLOCKED, "Renamed after the committee"
    action.due_date = datetime.date(2025, 1, 1)
    save_as(action, improvement_officer)
    rating = story["rating"]
    rating.rating = AreaRating.Rating.DECLINED
    save_as(rating, improvement_officer)
    update = ActionUpdate.objects.get(action=action)
    update.note = "Rewritten after the committee"
    save_as(update, improvement_officer)
    factories.ActionUpdateFactory(
        action=action,
        note="Added after the committee",
        shareable_with_scrutiny=True,
        created_at=datetime.datetime(2024, 6, 2, 9, tzinfo=datetime.UTC),
    )

    assert CommitteePack.objects.get(pk=pack.pk).snapshot == snapshot_before
    page_after = main_content(client.get(url))
    assert page_after == page_before
    assert "Renamed after the committee" not in page_after


def test_a_scrutiny_member_reads_a_pack_as_a_page(client, improvement_officer, scrutiny_member):
    pack = freeze_pack(improvement_officer)
    client.force_login(scrutiny_member)
    response = client.get(reverse("progress:pack_detail", args=[pack.pk]))
    assert response.status_code == 200
    assert "June committee" in response.content.decode()


def test_no_pack_page_shows_an_owners_e_mail(client, improvement_officer, scrutiny_member, story):
    pack = freeze_pack(improvement_officer)
    client.force_login(scrutiny_member)
    email = story["action"].owner.email
    for name in ("progress:pack_detail", "progress:pack_list"):
        args = [pack.pk] if name == "progress:pack_detail" else []
        assert email not in client.get(reverse(name, args=args)).content.decode()
    assert email not in str(pack.snapshot)


def test_the_pdf_is_a_pdf_of_the_pack(client, improvement_officer, scrutiny_member, story):
    pack = freeze_pack(improvement_officer, "Scrutiny pack for June")
    client.force_login(scrutiny_member)
    response = client.get(reverse("progress:pack_pdf", args=[pack.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Scrutiny pack for June" in text
    assert story["action"].reference in text


# The freeze form ----------------------------------------------------------------------------


def post_form(client, user, **data):
    client.force_login(user)
    return client.post(reverse("progress:pack_create"), data)


def date_fields(day, month, year):
    return {"committee_date_0": day, "committee_date_1": month, "committee_date_2": year}


def test_the_improvement_team_freezes_a_pack(client, improvement_officer, story):
    response = post_form(
        client, improvement_officer, title="July committee", **date_fields("18", "7", "2024")
    )
    pack = CommitteePack.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("progress:pack_detail", args=[pack.pk])
    assert pack.committee_date == datetime.date(2024, 7, 18)
    assert pack.frozen_by == improvement_officer
    assert pack.history.get().history_user == improvement_officer
    assert all_actions(pack)[0]["reference"] == story["action"].reference


def test_a_scrutiny_member_may_not_freeze_a_pack(client, scrutiny_member):
    client.force_login(scrutiny_member)
    assert client.get(reverse("progress:pack_create")).status_code == 403
    response = post_form(client, scrutiny_member, title="Mine", **date_fields("1", "7", "2024"))
    assert response.status_code == 403
    assert not CommitteePack.objects.exists()


def test_a_senior_leader_may_not_freeze_a_pack(client, senior_leader):
    response = post_form(client, senior_leader, title="Mine", **date_fields("1", "7", "2024"))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", **date_fields("18", "7", "2024")}, "Enter a title for the pack"),
        ({"title": "July", **date_fields("31", "2", "2024")}, "Committee date must be a real date"),
        ({"title": "July", **date_fields("", "", "")}, "Enter committee date"),
    ],
)
def test_bad_input_shows_the_error_summary_and_saves_nothing(
    client, improvement_officer, data, message
):
    response = post_form(client, improvement_officer, **data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and message in html
    assert re.search(r"<title>\s*Error: ", html)
    assert not CommitteePack.objects.exists()


def test_a_second_pack_with_the_same_title_and_date_is_refused(client, improvement_officer):
    freeze_pack(improvement_officer, "July committee", datetime.date(2024, 7, 18))
    response = post_form(
        client, improvement_officer, title="July committee", **date_fields("18", "7", "2024")
    )
    assert "There is already a pack with this title for that date." in response.content.decode()
    assert CommitteePack.objects.count() == 1


def test_the_pack_list_offers_freezing_only_to_the_improvement_team(
    client, improvement_officer, scrutiny_member
):
    freeze_pack(improvement_officer)
    create_url = reverse("progress:pack_create")
    client.force_login(scrutiny_member)
    assert create_url not in client.get(reverse("progress:pack_list")).content.decode()
    client.force_login(improvement_officer)
    assert create_url in client.get(reverse("progress:pack_list")).content.decode()


def test_frozen_at_is_when_it_was_frozen(improvement_officer):
    started = timezone.now()
    pack = freeze_pack(improvement_officer)
    assert started <= pack.frozen_at <= timezone.now()
