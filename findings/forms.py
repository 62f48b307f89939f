from accounts.forms import AuditedModelForm

from .models import AreaRating, Finding


class FindingForm(AuditedModelForm):
    class Meta:
        model = Finding
        fields = ["visit", "area", "kind", "section", "summary", "evidence", "position"]


class AreaRatingForm(AuditedModelForm):
    class Meta:
        model = AreaRating
        fields = ["visit", "area", "rating", "commentary"]
