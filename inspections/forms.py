from accounts.forms import AuditedModelForm

from .models import AreaOfConcern, Inspection, Judgement, LocalAuthority, Visit, VisitArea


class LocalAuthorityForm(AuditedModelForm):
    class Meta:
        model = LocalAuthority
        fields = ["name", "ofsted_code"]


class InspectionForm(AuditedModelForm):
    class Meta:
        model = Inspection
        fields = [
            "authority",
            "kind",
            "start_date",
            "end_date",
            "published_on",
            "report_url",
            "lead_inspector",
            "notes",
        ]


class JudgementForm(AuditedModelForm):
    class Meta:
        model = Judgement
        fields = ["inspection", "area", "grade"]


class AreaOfConcernForm(AuditedModelForm):
    class Meta:
        model = AreaOfConcern
        fields = ["identified_at", "title", "description", "status"]


class VisitForm(AuditedModelForm):
    class Meta:
        model = Visit
        fields = [
            "authority",
            "follows",
            "kind",
            "number",
            "start_date",
            "end_date",
            "letter_date",
            "is_published",
            "published_on",
            "inspectors",
            "letter_text",
            "notes",
        ]

    def clean(self):
        cleaned = super().clean()
        follows, authority = cleaned.get("follows"), cleaned.get("authority")
        if follows and authority and follows.authority_id != authority.pk:
            self.add_error("follows", "Choose an inspection of the same local authority")
        return cleaned


class VisitAreaForm(AuditedModelForm):
    class Meta:
        model = VisitArea
        fields = ["visit", "area", "position"]
