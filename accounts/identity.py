"""Who an e-mail address names: one spelling per person, worked out in one place.

A person is their e-mail address here, so every door that reads one (the sign-in
form, the lockout's count of guesses, the people pages, the admin, the commands
that make people, the demo loader, single sign-on) asks this module, and nothing
compares addresses any other way.

- ``normalise_email``: Unicode NFKC, then casefold, then surrounding spaces off.
  This is the form stored, looked up with an exact match, and counted by the
  lockout. The database's own case-insensitive matching is not used: PostgreSQL
  folds "ſ" (long s) to "S" and "ı" (dotless i) to "I", where Python lower-cases
  them to themselves, so the two would disagree about who an address names.
- ``plain_address_problem``: an address is accepted only when written in plain
  ASCII. For ASCII, NFKC changes nothing and casefolding is lower-casing, so
  "Ada@Council.Example" and "ada@council.example" are one person, and no address
  written with a look-alike letter ("ſ", "ı", full-width letters, "K" the kelvin
  sign) can be made, nor used to sign in as the person it looks like.
- ``lockout_key``: what the lockout counts guesses against. Look-alike spellings
  can never sign in, but they still count, on the same key as the plain address
  they imitate, so that none of them is a way round the lock or a fresh five
  guesses.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError

NOT_PLAIN = (
    "Enter the e-mail address in plain letters and numbers, like name@example.org: "
    "it has a character that only looks like one, such as ſ or ı"
)

# Letters that no Unicode folding turns into the ASCII letter they look like.
# Only the lockout key uses this: such an address is never accepted anyway.
LOOK_ALIKES = str.maketrans({"ı": "i", "ĸ": "k", "ȷ": "j", "ø": "o", "đ": "d", "ł": "l"})


def normalise_email(value):
    """The one spelling of an address: NFKC, casefolded, without surrounding spaces."""
    return unicodedata.normalize("NFKC", str(value or "")).casefold().strip()


def is_plain_address(value):
    return str(value or "").strip().isascii()


def plain_address_problem(value):
    """Why an address as typed cannot name a person here, or None."""
    return None if is_plain_address(value) else NOT_PLAIN


def require_plain_address(value):
    """Raises ValidationError (code ``not_plain``) for an address written with
    characters outside plain ASCII."""
    problem = plain_address_problem(value)
    if problem:
        raise ValidationError(problem, code="not_plain")


def lockout_key(value):
    """The address as the lockout counts it: every spelling of one plain address,
    look-alike letters, accents and full-width forms included, gives the same key."""
    folded = normalise_email(value)
    if folded.isascii():
        return folded
    without_marks = "".join(
        character
        for character in unicodedata.normalize("NFKD", folded)
        if not unicodedata.combining(character)
    )
    return normalise_email(without_marks.translate(LOOK_ALIKES))


class EmailAddressField(forms.EmailField):
    """An e-mail address box that accepts only a plain address and hands back its
    one spelling (``normalise_email``)."""

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values:
            require_plain_address(value)

    def clean(self, value):
        cleaned = super().clean(value)
        return normalise_email(cleaned) if cleaned else cleaned
