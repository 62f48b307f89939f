"""A table of a model's rules, and the ways each one is shown to hold.

Each ``rule(...)`` starts from a valid saved record (``make``), breaks it with
``changes`` and names the message people should see. The tests then show:

- ``full_clean()`` (what every form runs) refuses it with that message;
- where the rule's fields are on the app's form, the form shows that message;
- writing it straight to the database (``QuerySet.update()``, no validation at all)
  raises IntegrityError: the rule holds even for code that skips the forms.

Rules about a single field (a value off its list, a blank required text) are
refused by the field's own check first, so ``on_field`` names the field the error
is reported on, and the constraint's message is checked with
``validate_constraints()`` alone.

A test module lists its rules and subclasses ``RuleTests`` to run them all.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .post_data import form_data


@dataclass(frozen=True)
class Rule:
    make: Any
    changes: Any
    message: str
    form: Any = None
    on_field: str | None = None
    form_message: str | None = None  # where the form words the rule for its own field

    def broken(self):
        """The record, changed to break the rule but not saved: (record, changes)."""
        record = self.make()
        changes = self.changes(record) if callable(self.changes) else self.changes
        for name, value in changes.items():
            setattr(record, name, value)
        return record, changes


def rule(rule_id, make, changes, message, *, form=None, on_field=None, form_message=None):
    return pytest.param(Rule(make, changes, message, form, on_field, form_message), id=rule_id)


def messages_of(error):
    return [message for messages in error.message_dict.values() for message in messages]


def assert_full_clean_refuses(rule):
    record, _ = rule.broken()
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    if rule.on_field:
        assert rule.on_field in caught.value.message_dict
    else:
        assert rule.message in messages_of(caught.value)


def assert_constraint_says(rule):
    record, _ = rule.broken()
    with pytest.raises(ValidationError) as caught:
        record.validate_constraints()
    assert rule.message in messages_of(caught.value)


def assert_form_refuses(rule, user):
    record, _ = rule.broken()
    saved = type(record)._default_manager.get(pk=record.pk)
    form = rule.form(data=form_data(rule.form, record), instance=saved, user=user)
    assert not form.is_valid()
    shown = [message for messages in form.errors.values() for message in messages]
    assert (rule.form_message or rule.message) in shown


def assert_database_refuses(rule):
    record, changes = rule.broken()
    rows = type(record)._default_manager.filter(pk=record.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(**changes)


def with_form(rules):
    return [param for param in rules if param.values[0].form]


def cross_field(rules):
    return [param for param in rules if not param.values[0].on_field]


def single_field(rules):
    return [param for param in rules if param.values[0].on_field]


class RuleTests:
    """Every rule in ``rules`` shown to hold: subclass as ``TestSomethingRules``."""

    rules: list = []

    # Which rules each test runs over.
    SELECTIONS = {
        "test_it_refuses_with_the_rules_message": cross_field,
        "test_it_refuses_a_bad_value_on_its_field": single_field,
        "test_it_gives_the_rules_message_when_the_field_check_is_skipped": single_field,
        "test_it_shows_the_rules_message_on_the_form": with_form,
        "test_it_refuses_in_the_database": list,
    }

    def pytest_generate_tests(self, metafunc):
        metafunc.parametrize("broken", self.SELECTIONS[metafunc.function.__name__](self.rules))

    def test_it_refuses_with_the_rules_message(self, broken):
        assert_full_clean_refuses(broken)

    def test_it_refuses_a_bad_value_on_its_field(self, broken):
        assert_full_clean_refuses(broken)

    def test_it_gives_the_rules_message_when_the_field_check_is_skipped(self, broken):
        assert_constraint_says(broken)

    def test_it_shows_the_rules_message_on_the_form(self, broken, improvement_officer):
        assert_form_refuses(broken, improvement_officer)

    def test_it_refuses_in_the_database(self, broken):
        assert_database_refuses(broken)
