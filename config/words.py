"""Counts in words, for text made in Python (templates use ``pluralize``)."""


def count_of(number, singular, plural=None):
    """ "1 action", "0 actions", "2 people": the noun agrees with the number."""
    plural = plural or f"{singular}s"
    return f"{number:,} {singular if number == 1 else plural}"


def size_in_words(size):
    """10485760 -> "10MB", 2048 -> "2KB": a file size as the Design System writes it."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g}MB"
    return f"{max(size // 1024, 1)}KB"
