"""The form that freezes a committee pack: a title and the committee's date."""

from accounts.forms import AuditedModelForm

from . import packs
from .models import CommitteePack


class FreezePackForm(AuditedModelForm):
    submit_label = "Freeze the pack"

    class Meta:
        model = CommitteePack
        fields = ["title", "committee_date"]
        labels = {"title": "Title", "committee_date": "Committee date"}
        help_texts = {
            "title": "For example, Children's scrutiny committee, March 2025.",
            "committee_date": "The pack shows progress as at this date. For example, 27 3 2025",
        }
        error_messages = {"title": {"required": "Enter a title for the pack"}}

    def save(self, commit=True):
        # Freezing computes and saves the snapshot in one go: a pack is never
        # saved without the figures it shows.
        return packs.freeze(self.instance, self.user)
