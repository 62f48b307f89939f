"""The migration that puts every stored address in its one spelling: it rewrites
what it can, with a history row for each person it changes, and stops with the
people named, changing nothing, where an address cannot be made plain or would
become another person's."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0004_role_history")]
AFTER = [("accounts", "0005_email_in_its_one_spelling")]


def migrate_to(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def before():
    apps = migrate_to(BEFORE)
    yield apps
    # What a test planted could stop the migration again: it goes first.
    apps.get_model("accounts", "User").objects.all().delete()
    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())


def add_person(apps, email, name, role=None):
    User = apps.get_model("accounts", "User")
    person = User.objects.create(email=email, full_name=name, password="!")
    if role:
        Group = apps.get_model("auth", "Group")
        person.groups.add(Group.objects.get_or_create(name=role)[0])
    return person


def test_it_writes_each_address_in_its_one_spelling_with_a_history_row(before):
    untouched = add_person(before, "ada@council.example", "Ada")
    spaced = add_person(before, "  Bea.Jones@Council.Example ", "Bea", role="Senior leader")

    after = migrate_to(AFTER)

    User = after.get_model("accounts", "User")
    HistoricalUser = after.get_model("accounts", "HistoricalUser")
    assert User.objects.get(pk=spaced.pk).email == "bea.jones@council.example"
    assert User.objects.get(pk=untouched.pk).email == "ada@council.example"
    [row] = HistoricalUser.objects.filter(id=spaced.pk)
    assert (row.email, row.history_type, row.full_name) == ("bea.jones@council.example", "~", "Bea")
    assert row.history_change_reason == "E-mail address written in its one spelling"
    links = after.get_model("accounts", "HistoricalUser_groups").objects.filter(history=row)
    assert [link.group.name for link in links] == ["Senior leader"]
    assert not HistoricalUser.objects.filter(id=untouched.pk).exists()


@pytest.mark.parametrize(
    ("emails", "said"),
    [
        (["ſam@council.example"], "not plain letters and numbers"),
        (["sam@council.example", "ſam@council.example"], "not plain letters and numbers"),
        (["sam@council.example", " sam@council.example"], "one address, 2 people"),
    ],
)
def test_it_stops_naming_the_people_where_it_cannot_decide(before, emails, said):
    people = [add_person(before, email, f"Sam {n}") for n, email in enumerate(emails)]

    with pytest.raises(RuntimeError) as stopped:
        migrate_to(AFTER)

    assert said in str(stopped.value)
    assert all(str(person.pk) in str(stopped.value) for person in people[-1:])
    User = before.get_model("accounts", "User")
    assert sorted(User.objects.values_list("email", flat=True)) == sorted(emails)
