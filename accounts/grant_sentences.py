"""Changes to who may do what, said as sentences in the audit log and on each
record's history: "Priya Hartley gave Dominic Ashworth the role Senior leader".

accounts.history describes every change as fields before and after; a change to a
person's roles or permissions, or to a role's permissions, reads better said.
"""

from dataclasses import replace

# How a change to who may do what reads in the log, as (added, removed) sentences.
GRANT_SENTENCES = {
    ("accounts.user", "groups"): (
        "{who} gave {record} the role {item}",
        "{who} removed the role {item} from {record}",
    ),
    ("accounts.user", "user_permissions"): (
        "{who} gave {record} the permission “{item}”",
        "{who} took the permission “{item}” from {record}",
    ),
    ("auth.group", "permissions"): (
        "{who} gave the role {record} the permission “{item}”",
        "{who} took the permission “{item}” from the role {record}",
    ),
}


def said_as_grants(model, field_changes, actor, record):
    """``field_changes`` (of a record of ``model`` named ``record``) with any change
    to roles or permissions said in sentences, naming ``actor`` (None: the system)."""
    said = []
    for change in field_changes:
        wording = GRANT_SENTENCES.get((model._meta.label_lower, change.name))
        if wording is None or not change.is_many:
            said.append(change)
            continue
        gave, took = wording
        who = actor or "The system"
        sentences = [gave.format(who=who, record=record, item=item) for item in change.added]
        sentences += [took.format(who=who, record=record, item=item) for item in change.removed]
        said.append(replace(change, sentences=tuple(sentences)))
    return said
