"""Counts in words, for text made in Python (templates use ``pluralize``)."""


def count_of(number, singular, plural=None):
    """ "1 action", "0 actions", "2 people": the noun agrees with the number."""
    plural = plural or f"{singular}s"
    return f"{number:,} {singular if number == 1 else plural}"
