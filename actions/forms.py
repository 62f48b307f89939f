"""The forms of the actions pages. Each one checks everything before it writes,
and writes every row it touches in one transaction with the acting person named."""

from itertools import groupby

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.access import may
from accounts.audit import save_as
from accounts.forms import AuditedModelForm
from accounts.models import User
from accounts.officers import not_an_owner_message, officers
from accounts.people_forms import OfficerChoiceField
from config.dates import long_date
from findings.models import Finding
from measures.models import Measure

from . import uploads
from .models import ActionUpdate, Evidence, Impact, ImprovementAction, Status


class OwnerChoiceField(OfficerChoiceField):
    """People by name and job title. Only officers are offered; a councillor's id
    sent anyway is refused by name, saying why."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, refusal=not_an_owner_message, **kwargs)


def owner_field(current=None, **kwargs):
    # Active officers, and whoever owns the action now even if they have since
    # left, so that saving an old action does not fail on its owner. Never a
    # councillor (accounts.officers), not even one who owns the action now.
    return OwnerChoiceField(
        queryset=officers(User.objects.filter(Q(is_active=True) | Q(pk=current))).order_by(
            "full_name"
        ),
        label="Owner",
        help_text="The officer who reports progress on this action.",
        **kwargs,
    )


class FindingChoiceField(forms.ModelMultipleChoiceField):
    """Findings to tick, shown one visit at a time (templates/actions/_checkbox_groups.html)."""

    empty_text = "No findings have been recorded yet. They are added from each visit's page."

    def label_from_instance(self, obj):
        return f"{obj.visit}: {obj.summary}"

    @cached_property
    def groups(self):
        """[{"heading", "choices": [{"number", "value", "label", "hint"}]}], newest visit
        first, in one query (the visit and the area come with each finding)."""
        groups, number = [], 0
        findings = self.queryset.select_related("visit", "area")
        for visit, of_visit in groupby(findings, key=lambda finding: finding.visit):
            choices = []
            for finding in of_visit:
                number += 1
                hint = finding.get_kind_display()
                if finding.area_id:
                    hint = f"{hint}, {finding.area.title}"
                choices.append(
                    {"number": number, "value": finding.pk, "label": finding.summary, "hint": hint}
                )
            groups.append({"heading": f"Findings of the {visit}", "choices": choices})
        return groups


class MeasureChoiceField(forms.ModelMultipleChoiceField):
    """Measures to tick, shown under the area of concern they are first listed for
    (templates/actions/_checkbox_groups.html), so a long list reads area by area."""

    empty_text = "No measures have been recorded yet."

    def label_from_instance(self, obj):
        return obj.title

    @cached_property
    def groups(self):
        """[{"heading", "choices": [{"number", "value", "label", "hint"}]}]: a group
        per area in title order, then the measures of no area; each measure once,
        under the first of its areas, its hint naming its unit and every area.
        Two queries: the measures, then their areas."""
        by_heading = {}
        for measure in self.queryset.prefetch_related("areas"):
            areas = sorted(area.title for area in measure.areas.all())
            heading = f"Measures of {areas[0]}" if areas else "Measures of no area of concern"
            hint = measure.get_unit_display()
            if len(areas) > 1:
                hint = f"{hint}, also for {'; '.join(areas[1:])}"
            by_heading.setdefault((not areas, heading), []).append(
                {"value": measure.pk, "label": measure.title, "hint": hint}
            )
        groups, number = [], 0
        for (_no_area, heading), choices in sorted(by_heading.items()):
            for choice in choices:
                number += 1
                choice["number"] = number
            groups.append({"heading": heading, "choices": choices})
        return groups


class ImprovementActionForm(AuditedModelForm):
    # Asked only when the due date given is already past (see clean()).
    confirm_overdue = forms.BooleanField(
        label="Yes, it is already overdue",
        required=False,
        help_text="It will show as red and overdue as soon as it is saved.",
    )

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
            "measures",
        ]
        widgets = {"areas": forms.CheckboxSelectMultiple}
        error_messages = {
            "title": {"required": "Enter a title for the action"},
            "due_date": {"required": "Enter the due date"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = owner_field(
            current=self.instance.owner_id, required=False, empty_label="No owner yet"
        )
        self.fields["findings"] = FindingChoiceField(
            # The visit is in each label: fetched with the findings, not once per finding.
            # Newest visit first, and each visit's findings in the letter's order.
            queryset=Finding.objects.select_related("visit").order_by(
                "-visit__start_date", "-visit_id", "section", "position", "id"
            ),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Findings it responds to",
            help_text="Select all that apply. Findings are added from each visit's page.",
        )
        self.fields["measures"] = MeasureChoiceField(
            queryset=Measure.objects.order_by("title"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="How we will know it has worked",
            help_text="Select the measures whose monthly figures should show its impact.",
            error_messages={
                "invalid_choice": "A measure you chose has since been removed. Choose again",
                "invalid_pk_value": "A measure you chose has since been removed. Choose again",
            },
        )
        self.fields["areas"].label = "Areas of concern it responds to"
        self.fields["areas"].help_text = "Select all that apply."
        self.fields["areas"].required = False
        self.helper.layout = Layout(
            "title",
            "description",
            "owner",
            Field("findings", template="actions/_checkbox_groups.html"),
            "areas",
            "source",
            "priority",
            "status",
            "impact",
            "start_date",
            "due_date",
            Field("confirm_overdue", template="actions/_confirm_overdue.html"),
            "completed_on",
            "success_measure",
            Field("measures", template="actions/_checkbox_groups.html"),
        )
        self.asks_about_overdue = False

    def clean(self):
        cleaned = super().clean()
        status, completed_on = cleaned.get("status"), cleaned.get("completed_on")
        # Said on the date field, where the fix is, rather than as the table rule's
        # general message.
        if status == Status.COMPLETED and not completed_on and "completed_on" not in self.errors:
            self.add_error("completed_on", "Enter the date the action was completed")
        if status and status != Status.COMPLETED and completed_on:
            self.add_error(
                "completed_on",
                "Leave the completion date blank unless the status is completed",
            )
        self._check_overdue(cleaned)
        return cleaned

    def _check_overdue(self, cleaned):
        """A due date already past makes the action red at once: ask before saving
        one, when it is new or the date has just been changed, unless the action is
        completed."""
        due, status = cleaned.get("due_date"), cleaned.get("status")
        if not due or status == Status.COMPLETED or due >= timezone.localdate():
            return
        if self.instance.pk and "due_date" not in self.changed_data:
            return  # an action already overdue, edited for something else
        self.asks_about_overdue = True
        if not cleaned.get("confirm_overdue"):
            self.add_error(
                "confirm_overdue",
                f"The due date, {long_date(due)}, is in the past. Confirm that the action "
                "is already overdue, or change the due date",
            )


class AssignOwnerForm(AuditedModelForm):
    submit_label = "Assign owner"

    class Meta:
        model = ImprovementAction
        fields = ["owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = owner_field(
            current=self.instance.owner_id,
            required=True,
            empty_label="Choose an owner",
            error_messages={"required": "Choose who owns this action"},
        )


class ActionUpdateForm(AuditedModelForm):
    class Meta:
        model = ActionUpdate
        fields = ["action", "author", "note", "new_status", "new_impact", "shareable_with_scrutiny"]
        # The form refuses a blank note before the model's rule is reached: same words.
        error_messages = {"note": {"required": "Enter a note about progress."}}


class UpdateSharingForm(AuditedModelForm):
    """Whether scrutiny members see an update: the improvement team puts right an
    update shared by mistake, or shares one the owner did not."""

    submit_label = "Save"

    class Meta:
        model = ActionUpdate
        fields = ["shareable_with_scrutiny"]
        labels = {"shareable_with_scrutiny": "Scrutiny members may see this update"}
        help_texts = {
            "shareable_with_scrutiny": (
                "Councillors on the scrutiny committee then see its note, never its evidence."
            )
        }


class EvidenceForm(AuditedModelForm):
    # Said here so that a link typed without "https://" is taken as https.
    url = forms.URLField(label="Link", required=False, assume_scheme="https")

    class Meta:
        model = Evidence
        fields = ["action", "update", "title", "file", "url", "added_by"]


class TextInput(forms.TextInput):
    """A ``type="url"`` box. Named ``TextInput`` on purpose: crispy-forms-gds picks
    its GOV.UK classes (``govuk-input``, ``govuk-input--error``) by the widget's
    class name, and knows no ``URLInput``."""

    input_type = "url"

    def __init__(self, attrs=None):
        super().__init__({"spellcheck": "false", "autocomplete": "url", **(attrs or {})})


class ProgressUpdateForm(AuditedModelForm):
    """An owner's progress update: a note, a change of status or impact, and one
    piece of evidence (a file or a link), saved together or not at all."""

    submit_label = "Post update"

    evidence_title = forms.CharField(
        label="Evidence title",
        required=False,
        max_length=200,
        help_text="Only if you are adding evidence. For example, Audit of 40 case files",
        error_messages={"max_length": "The evidence title must be 200 characters or fewer"},
    )
    evidence_file = forms.FileField(
        label="Upload a file",
        required=False,
        help_text=(
            f"{uploads.ACCEPTED_LIST}, smaller than {uploads.size_label(uploads.max_bytes())}"
        ),
        error_messages={
            "invalid": "The selected file could not be read. Choose the file again",
            "empty": "The selected file is empty",
            "missing": "The selected file could not be read. Choose the file again",
        },
    )
    evidence_link = forms.URLField(
        label="Or give a link",
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=TextInput,
        help_text="For example, a document on the council's intranet",
        error_messages={
            "invalid": "Enter a link in the correct format, like https://intranet.example/report",
            "max_length": "The link must be 200 characters or fewer",
        },
    )

    class Meta:
        model = ActionUpdate
        fields = ["note", "new_status", "new_impact", "shareable_with_scrutiny"]
        labels = {
            "note": "What has happened since the last update?",
            "new_status": "Status",
            "new_impact": "Impact for children",
            "shareable_with_scrutiny": "Share this note with the scrutiny committee",
        }
        help_texts = {
            # The box starts unticked: a note stays within the council unless its
            # author chooses to share it, and the hint says so.
            "shareable_with_scrutiny": (
                "Only if you tick this do councillors on the scrutiny committee see the note. "
                "They never see the evidence."
            ),
        }
        widgets = {"new_status": forms.RadioSelect, "new_impact": forms.RadioSelect}
        error_messages = {"note": {"required": "Enter a note about progress"}}

    length_names = {"note": "The note"}

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        # Set before validation, so that the update's own rules are checked whole.
        self.instance.action = action
        self.instance.author = self.user
        self.fields["new_status"].choices = [
            ("", f"No change (now {action.get_status_display().lower()})"),
            *Status.choices,
        ]
        self.fields["new_impact"].choices = [
            ("", f"No change (now {action.get_impact_display().lower()})"),
            *Impact.choices,
        ]
        for name in ("new_status", "new_impact"):
            self.fields[name].initial = ""  # "No change" is chosen until someone chooses
        self.fields["evidence_file"].widget.attrs["accept"] = uploads.accept_attribute()
        self.helper.legend_size = Size.MEDIUM
        self.helper.checkboxes_small = True
        self.helper.layout = Layout(
            "note",
            "shareable_with_scrutiny",
            "new_status",
            "new_impact",
            Fieldset(
                HTML(
                    '<p class="govuk-body">A file or a link, with a title. Evidence is '
                    "never shown to scrutiny members.</p>"
                ),
                "evidence_title",
                "evidence_file",
                "evidence_link",
                legend="Evidence (optional)",
                legend_size=Size.MEDIUM,
            ),
        )
        self._changes = {}

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            uploads.validate_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        self._clean_evidence(cleaned)
        self._changes = self._clean_action_changes(cleaned)
        return cleaned

    def _clean_evidence(self, cleaned):
        title = cleaned.get("evidence_title", "").strip()
        upload, link = cleaned.get("evidence_file"), cleaned.get("evidence_link")
        refused_file = "evidence_file" in self.errors
        if upload and link:
            self.add_error("evidence_link", "Give either a file or a link, not both")
        elif title and not (upload or link or refused_file or "evidence_link" in self.errors):
            self.add_error("evidence_file", "Choose a file or give a link for the evidence")
        if (upload or link) and not title:
            self.add_error("evidence_title", "Enter a title for the evidence")

    def _clean_action_changes(self, cleaned):
        """What the update changes on the action, checked against the action's rules."""
        action = self.action
        changes = {}
        new_status, new_impact = cleaned.get("new_status"), cleaned.get("new_impact")
        if action.signed_off_at and (
            (new_status and new_status != action.status)
            or (new_impact and new_impact != action.impact)
        ):
            field = "new_status" if new_status and new_status != action.status else "new_impact"
            self.add_error(
                field,
                "This action's impact has been signed off, so its status and impact stay "
                "as they are. Post the note with no change",
            )
            return {}
        if new_status and new_status != action.status:
            changes["status"] = new_status
            if new_status == Status.COMPLETED:
                changes["completed_on"] = timezone.localdate()
            else:
                changes["completed_on"] = None
        if new_impact and new_impact != action.impact:
            changes["impact"] = new_impact
        if changes:
            prospective = ImprovementAction(
                **{f.attname: getattr(action, f.attname) for f in action._meta.concrete_fields}
            )
            for name, value in changes.items():
                setattr(prospective, name, value)
            try:
                prospective.validate_constraints()
            except ValidationError as error:
                field = "new_status" if "status" in changes else "new_impact"
                self.add_error(field, error.messages)
                return {}
        return changes

    def save(self, commit=True):
        # One transaction: the update, the change to the action and the evidence
        # (file included) are all kept, or none is.
        with transaction.atomic():
            action = ImprovementAction.objects.select_for_update().get(pk=self.action.pk)
            update = self.instance
            update.action = action
            update.author = self.user
            # The update records what it changed; choosing the current value is no change.
            if "status" not in self._changes:
                update.new_status = ""
            if "impact" not in self._changes:
                update.new_impact = ""
            save_as(update, self.user)
            if self._changes:
                for name, value in self._changes.items():
                    setattr(action, name, value)
                save_as(action, self.user)
            self._save_evidence(action, update)
        self.action = action
        return update

    def _save_evidence(self, action, update):
        upload = self.cleaned_data.get("evidence_file")
        link = self.cleaned_data.get("evidence_link")
        if not (upload or link):
            return None
        evidence = Evidence(
            action=action,
            update=update,
            title=self.cleaned_data["evidence_title"].strip(),
            url=link or "",
            added_by=self.user,
        )
        if upload:
            evidence.file = upload
        try:
            return save_as(evidence, self.user)
        except BaseException:
            # The file is written before the row; if the row fails, the file goes too.
            if evidence.file and evidence.file.name:
                evidence.file.storage.delete(evidence.file.name)
            raise


class SignOffForm(forms.Form):
    """A senior leader confirms that an action has made a difference for children."""

    confirm = forms.BooleanField(
        label="I have seen evidence that this action has made a difference for children",
        error_messages={
            "required": "Confirm that you have seen evidence of the action's impact",
        },
    )

    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, what evidence you saw. It is shown with the sign-off.",
        error_messages={"max_length": "The comment must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, action, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.user = user
        self.fields["comment"].widget.attrs.pop("maxlength", None)
        self.helper = FormHelper(self)
        self.helper.checkboxes_small = False
        self.helper.add_input(Submit("submit", "Sign off impact"))

    def clean(self):
        cleaned = super().clean()
        if not may(self.user, "sign_off", self.action):
            raise ValidationError(
                "This action cannot be signed off: it must be completed, with its impact "
                "evidenced, and not signed off already",
                code="not_ready",
            )
        return cleaned

    def save(self):
        with transaction.atomic():
            action = ImprovementAction.objects.select_for_update().get(pk=self.action.pk)
            if not action.ready_for_sign_off:
                # Someone else signed it off, or its status changed, since the page loaded.
                raise ValidationError("This action is no longer ready for sign-off")
            action.signed_off_by = self.user
            action.signed_off_at = timezone.now()
            action.sign_off_comment = self.cleaned_data.get("comment", "").strip()
            # A withdrawal is past once the action is signed off again; the history keeps it.
            action.sign_off_withdrawn_by = None
            action.sign_off_withdrawn_at = None
            action.sign_off_withdrawal_reason = ""
            save_as(action, self.user)
        self.action = action
        return action


class WithdrawSignOffForm(forms.Form):
    """A senior leader takes back a sign-off, saying why; the action is then
    ready to be signed off again once its impact is shown."""

    reason = forms.CharField(
        label="Why are you withdrawing the sign-off?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="It is shown on the action and kept in its history.",
        error_messages={
            "required": "Enter why you are withdrawing the sign-off",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, action, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.user = user
        self.fields["reason"].widget.attrs.pop("maxlength", None)
        self.helper = FormHelper(self)
        self.helper.add_input(
            Submit("submit", "Withdraw the sign-off", css_class="govuk-button--warning")
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Enter why you are withdrawing the sign-off", code="required")
        return reason

    def save(self):
        with transaction.atomic():
            action = ImprovementAction.objects.select_for_update().get(pk=self.action.pk)
            if action.signed_off_at is None:
                raise ValidationError("This action is no longer signed off")
            action.signed_off_by = None
            action.signed_off_at = None
            action.sign_off_comment = ""
            action.sign_off_withdrawn_by = self.user
            action.sign_off_withdrawn_at = timezone.now()
            action.sign_off_withdrawal_reason = self.cleaned_data["reason"]
            save_as(action, self.user)
        self.action = action
        return action
