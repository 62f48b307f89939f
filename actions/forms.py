from accounts.forms import AuditedModelForm

from .models import ActionUpdate, Evidence, ImprovementAction


class ImprovementActionForm(AuditedModelForm):
    class Meta:
        model = ImprovementAction
        fields = [
            "title",
            "description",
            "owner",
            "findings",
            "areas",
            "source",
            "priority",
            "status",
            "impact",
            "start_date",
            "due_date",
            "completed_on",
            "success_measure",
        ]


class ActionUpdateForm(AuditedModelForm):
    class Meta:
        model = ActionUpdate
        fields = ["action", "author", "note", "new_status", "new_impact", "shareable_with_scrutiny"]


class EvidenceForm(AuditedModelForm):
    class Meta:
        model = Evidence
        fields = ["action", "update", "title", "file", "url", "added_by"]
