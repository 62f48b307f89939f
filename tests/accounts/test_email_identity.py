"""One spelling per address: folded once (accounts.identity), stored that way, and
a second person whose address differs only by case or by a look-alike letter is
refused by the forms, by the model's checks and by the database itself."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.identity import NOT_PLAIN, lockout_key, normalise_email
from accounts.models import User

from .. import factories
from .test_people_pages import NEW, details, new_person

PLAIN = "silvia@council.example"
CASE_VARIANTS = ["SILVIA@council.example", "Silvia@Council.Example"]
FOLD_VARIANTS = ["ſilvia@council.example", "sılvia@council.example", "ｓｉｌｖｉａ@council.example"]


@pytest.mark.parametrize(
    ("typed", "spelling"),
    [
        ("  Silvia@Council.Example ", PLAIN),
        ("ｓｉｌｖｉａ@ｃｏｕｎｃｉｌ.ｅｘａｍｐｌｅ", PLAIN),  # full-width: NFKC
        ("ſilvia@council.example", PLAIN),  # long s: NFKC
        ("STRASSE@council.example", "strasse@council.example"),
        ("straße@council.example", "strasse@council.example"),  # casefold, not lower
    ],
)
def test_it_folds_an_address_to_one_spelling(typed, spelling):
    assert normalise_email(typed) == spelling


@pytest.mark.parametrize(
    "typed", [PLAIN, *CASE_VARIANTS, *FOLD_VARIANTS, " silvia@council.example"]
)
def test_every_spelling_has_the_plain_addresss_lockout_key(typed):
    assert lockout_key(typed) == PLAIN


def test_an_unrelated_address_has_its_own_lockout_key():
    assert lockout_key("sylvia@council.example") != lockout_key(PLAIN)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [*CASE_VARIANTS, *FOLD_VARIANTS])
def test_the_people_page_refuses_a_second_person_with_another_spelling(team, typed):
    factories.UserFactory(email=PLAIN)
    people = User.objects.count()

    response = team.post(NEW, new_person(email=typed))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page and 'href="#id_email"' in page
    expected = "Someone already signs in" if typed.isascii() else NOT_PLAIN.split(":")[0]
    assert expected in page
    assert User.objects.count() == people


@pytest.mark.django_db
@pytest.mark.parametrize("typed", FOLD_VARIANTS)
def test_the_people_page_refuses_a_look_alike_address_even_for_a_new_person(team, typed):
    response = team.post(NEW, new_person(email=typed))
    assert NOT_PLAIN.split(":")[0] in response.content.decode()
    assert not User.objects.filter(full_name="Rachel Okonjo").exists()


@pytest.mark.django_db
def test_the_people_page_stores_the_one_spelling(team):
    team.post(NEW, new_person(email="  Rachel.Okonjo@COUNCIL.example "))
    assert User.objects.filter(email="rachel.okonjo@council.example").exists()


@pytest.mark.django_db
def test_changing_someones_address_to_another_persons_spelling_is_refused(team):
    factories.UserFactory(email=PLAIN)
    other = factories.UserFactory(email="rachel@council.example")
    response = team.post(
        reverse("accounts:person_update", args=[other.pk]), details(other, email=CASE_VARIANTS[0])
    )
    assert "Someone already signs in" in response.content.decode()
    other.refresh_from_db()
    assert other.email == "rachel@council.example"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", FOLD_VARIANTS)
def test_the_model_refuses_a_look_alike_address(typed):
    with pytest.raises(ValidationError) as refused:
        User(email=typed, full_name="Someone").full_clean()
    assert NOT_PLAIN in refused.value.message_dict["email"]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", FOLD_VARIANTS)
def test_making_a_person_with_a_look_alike_address_is_refused(typed):
    with pytest.raises(ValueError, match="plain letters"):
        User.objects.create_user(typed, "a long enough passphrase")


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [*CASE_VARIANTS, *FOLD_VARIANTS])
def test_the_database_refuses_a_second_spelling_written_around_the_model(typed):
    """bulk_create skips save() and every check in Python: the constraints hold."""
    factories.UserFactory(email=PLAIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email=typed, full_name="Second Silvia")])
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Rachel@council.example", "ſam@council.example"])
def test_the_database_refuses_an_address_not_in_its_one_spelling(typed):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email=typed, full_name="Someone")])


@pytest.mark.django_db
def test_createsuperuser_refuses_a_look_alike_address(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long enough passphrase")
    with pytest.raises(CommandError, match="plain letters"):
        call_command(
            "createsuperuser", email="ſysadmin@council.example", full_name="Root", interactive=False
        )
    assert not User.objects.exists()


@pytest.mark.django_db
def test_createsuperuser_refuses_an_address_taken_in_another_case(monkeypatch):
    factories.UserFactory(email=PLAIN)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long enough passphrase")
    with pytest.raises(CommandError, match="already taken"):
        call_command("createsuperuser", email=CASE_VARIANTS[1], full_name="Root", interactive=False)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_createsuperuser_stores_the_one_spelling(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long enough passphrase")
    call_command(
        "createsuperuser", email="Root@Council.Example", full_name="Root", interactive=False
    )
    assert User.objects.get().email == "root@council.example"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [CASE_VARIANTS[0], FOLD_VARIANTS[0]])
def test_the_admin_refuses_a_second_spelling_too(client, superuser, typed):
    factories.UserFactory(email=PLAIN)
    client.force_login(superuser)
    people = User.objects.count()
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": typed,
            "full_name": "Second Silvia",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    assert response.status_code == 200
    expected = "Someone already signs in" if typed.isascii() else NOT_PLAIN.split(":")[0]
    assert expected in response.content.decode()
    assert User.objects.count() == people
