"""The importer's forms: the start page (a file or pasted text, and the authority),
and the review page (the visit or inspection, then one row per area covered, finding
or improvement, in Django formsets).

Rows are added, removed and split on the server, so the page works without
JavaScript: ``rebuild_rows`` rewrites the posted rows (dropping those ticked
"Remove", splitting a finding at an empty line, adding an empty row) before the
formset reads them.
"""

import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from accounts.forms import GovukDateField
from config.words import size_in_words
from inspections.forms import whole_number_input
from inspections.models import Grade, Inspection, JudgementArea, LocalAuthority, Visit

from .documents import MAX_TEXT_CHARACTERS, DocumentError
from .models import FindingKind, FindingSection

# Pasted text is held to the limit on the text read from a file.
MAX_PASTED_CHARACTERS = MAX_TEXT_CHARACTERS
ACCEPTED_FILES = ".pdf,.docx,.txt"
NEW_AREA = "new"
AREA_ROW = "row:"
EXISTING_AREA = "area:"
# What a finding row becomes: a new finding, nothing, or an update of the finding
# already recorded that it repeats ("finding:<pk>").
NEW_FINDING, LEAVE_OUT, SAME_FINDING = "new", "leave", "finding:"


class GovukFormMixin:
    """Errors the GOV.UK way: the server checks everything, so the browser's own
    checks (which would show their own messages) are switched off."""

    use_required_attribute = False

    def govuk_helper(self, submit_label=None):
        helper = FormHelper(self)
        helper.attrs = {"novalidate": ""}
        if submit_label:
            helper.add_input(Submit("submit", submit_label))
        else:
            helper.form_tag = False
            helper.disable_csrf = True
        return helper


def size_limit_label():
    return size_in_words(settings.IMPORT_MAX_BYTES)


def _read_upload(upload):
    """The file's bytes, refusing an oversized one before reading it into memory."""
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise DocumentError(f"The selected file must be smaller than {size_limit_label()}")
    return upload.read()


class StartForm(GovukFormMixin, forms.Form):
    authority = forms.ModelChoiceField(
        label="Which local authority is the document about?",
        queryset=LocalAuthority.objects.order_by("name"),
        empty_label="Choose a local authority",
        error_messages={"required": "Choose the local authority the document is about"},
    )
    document = forms.FileField(
        label="Upload the letter or report",
        help_text="A PDF, a Word document (.docx) or a text file, smaller than {limit}.",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
        error_messages={
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be uploaded: try again",
        },
    )
    text = forms.CharField(
        label="Or paste its text",
        help_text="Copy the whole letter or report, from its date to its signature.",
        required=False,
        max_length=MAX_PASTED_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        error_messages={
            "max_length": "The pasted text must be shorter than %(limit_value)s characters"
        },
    )

    def __init__(self, *args, refusal=None, **kwargs):
        """``refusal``: {"field", "message"} of a document read and refused, shown as
        this form's error when the start page is shown again."""
        super().__init__(*args, **kwargs)
        self.refusal = refusal
        self.fields["document"].help_text = self.fields["document"].help_text.format(
            limit=size_limit_label()
        )
        self.helper = self.govuk_helper("Continue")
        self.helper.layout = Layout(Field.select("authority"), "document", "text")

    def clean(self):
        """What to read: an uploaded file's bytes or the pasted text. Only what can be
        checked at once is checked here; the reading (findings.document_reading)
        checks the rest off the request."""
        cleaned = super().clean()
        if self.refusal:
            field = self.refusal.get("field")
            self.add_error(field if field in self.fields else "document", self.refusal["message"])
            return cleaned
        upload, pasted = cleaned.get("document"), (cleaned.get("text") or "").strip()
        if self.has_error("document") or self.has_error("text"):
            return cleaned
        if upload and pasted:
            self.add_error("text", "Either upload a file or paste its text, not both")
            return cleaned
        if not upload and not pasted:
            self.add_error("document", "Upload the letter or report, or paste its text")
            return cleaned
        try:
            data = _read_upload(upload) if upload else None
        except DocumentError as error:
            self.add_error("document", error.message)
            return cleaned
        cleaned.update(
            data=data,
            pasted=pasted if not upload else "",
            original_name=upload.name if upload else "",
        )
        return cleaned


# The review page's main forms ---------------------------------------------------------------


def _date(label, required=False):
    return GovukDateField(
        label=label,
        label_text=label.lower(),
        required=required,
        require_all_fields=False,
        help_text="For example, 27 3 2024",
    )


class ReviewFormMixin(GovukFormMixin):
    """A hidden token ties the page to the draft it was drawn from, and ``existing``
    to the record it offered to update."""

    def add_hidden_fields(self):
        self.fields["draft"] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.fields["existing"] = forms.CharField(widget=forms.HiddenInput, required=False)

    def model_rules(self, instance, beside):
        """Run the model's own checks on ``instance``; each message goes beside the
        field ``beside`` names for it (by constraint name), or at the top.

        Checked as the record offered for update, if any: it does not clash with itself.
        """
        existing = self.cleaned_data.get("existing") or ""
        if existing.isdigit():
            instance.pk, instance._state.adding = int(existing), False
        try:
            instance.full_clean(validate_unique=True, validate_constraints=True)
        except ValidationError as error:
            messages = {
                constraint.get_violation_error_message(): beside.get(constraint.name)
                for constraint in type(instance)._meta.constraints
            }
            for name, errors in error.message_dict.items():
                for message in errors:
                    field = messages.get(message) or (name if name in self.fields else None)
                    if field is None or field not in self.errors:
                        self.add_error(field, message)


class VisitReviewForm(ReviewFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of visit",
        choices=Visit.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of visit"},
    )
    number = forms.IntegerField(
        label="Its number in the series",
        help_text="7 for the seventh monitoring visit. Leave blank for a focused visit.",
        required=False,
        min_value=1,
        widget=whole_number_input(),
        error_messages={
            "invalid": "The visit's number must be a whole number, like 7",
            "min_value": "The visit's number must be 1 or more",
        },
    )
    follows = forms.ModelChoiceField(
        label="The inspection it follows",
        help_text="New areas of concern are recorded against this inspection.",
        queryset=Inspection.objects.none(),
        required=False,
        empty_label="Not recorded",
    )
    inspectors = forms.CharField(
        label="Inspectors",
        help_text="One a line.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_published = forms.BooleanField(label="The letter has been published", required=False)

    rule_fields = {
        "visit_ends_after_start": "end_date",
        "visit_letter_after_start": "letter_date",
        "visit_publication_date_only_when_published": "published_on",
        "visit_number_unique_per_inspection": "number",
    }

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.authority = authority
        self.fields["start_date"] = _date("Start date", required=True)
        self.fields["start_date"].error_messages["required"] = "Enter the date the visit started"
        self.fields["end_date"] = _date("End date", required=True)
        self.fields["end_date"].error_messages["required"] = "Enter the date the visit ended"
        self.fields["letter_date"] = _date("Date of the letter")
        self.fields["published_on"] = _date("Publication date")
        self.fields["follows"].queryset = Inspection.objects.filter(authority=authority)
        self.add_hidden_fields()
        self.order_fields(
            ["kind", "number", "start_date", "end_date", "letter_date", "follows", "inspectors"]
        )
        self.helper = self.govuk_helper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL, inline=True),
            "number",
            "start_date",
            "end_date",
            "letter_date",
            Field.select("follows"),
            "inspectors",
            "is_published",
            "published_on",
            "draft",
            "existing",
        )

    def clean_inspectors(self):
        lines = (self.cleaned_data.get("inspectors") or "").splitlines()
        return "\n".join(line.strip() for line in lines if line.strip())

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.model_rules(self.visit_with(Visit(authority=self.authority)), self.rule_fields)
        return cleaned

    def visit_with(self, visit):
        """``visit`` with the reviewed values set (not saved)."""
        for name in (
            "kind",
            "number",
            "start_date",
            "end_date",
            "letter_date",
            "follows",
            "inspectors",
            "is_published",
            "published_on",
        ):
            setattr(visit, name, self.cleaned_data.get(name))
        return visit


class InspectionReviewForm(ReviewFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of inspection",
        choices=[("", "Choose the kind of inspection"), *Inspection.Kind.choices],
        error_messages={"required": "Choose the kind of inspection"},
    )
    lead_inspector = forms.CharField(label="Lead inspector", max_length=150, required=False)
    report_url = forms.URLField(
        label="Link to the report",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter the report's web address, like https://..."},
    )

    rule_fields = {
        "inspection_ends_after_start": "end_date",
        "inspection_published_after_start": "published_on",
    }

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.authority = authority
        self.fields["start_date"] = _date("Start date", required=True)
        self.fields["start_date"].error_messages["required"] = "Enter the inspection's start date"
        self.fields["end_date"] = _date("End date")
        self.fields["published_on"] = _date("Publication date")
        for area in JudgementArea:
            self.fields[self.grade_field(area)] = forms.ChoiceField(
                label=area.label,
                choices=[("", "Not judged"), *Grade.choices],
                required=False,
            )
        self.add_hidden_fields()
        self.helper = self.govuk_helper()
        self.helper.layout = Layout(
            Field.select("kind"),
            "start_date",
            "end_date",
            "published_on",
            "lead_inspector",
            "report_url",
            *[Field.select(self.grade_field(area)) for area in JudgementArea],
            "draft",
            "existing",
        )

    @staticmethod
    def grade_field(area):
        return f"grade_{area.value}"

    def grades(self):
        """{JudgementArea: Grade} for the areas given a grade."""
        return {
            area: self.cleaned_data[self.grade_field(area)]
            for area in JudgementArea
            if self.cleaned_data.get(self.grade_field(area))
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            inspection = self.inspection_with(Inspection(authority=self.authority))
            self.model_rules(inspection, self.rule_fields)
        return cleaned

    def inspection_with(self, inspection):
        for name in ("kind", "start_date", "end_date", "published_on", "lead_inspector"):
            setattr(inspection, name, self.cleaned_data.get(name))
        inspection.report_url = self.cleaned_data.get("report_url") or ""
        return inspection


# Rows -----------------------------------------------------------------------------------


class RowForm(GovukFormMixin, forms.Form):
    """One row of a formset. Its hidden ``key`` names it for the other rows (a finding
    names the area it is about by the area row's key) and does not count as typing:
    a row nobody filled in is left out."""

    key = forms.CharField(widget=forms.HiddenInput, required=False)

    def has_changed(self):
        return bool(set(self.changed_data) - {"key"})


class AreaRowForm(RowForm):
    title = forms.CharField(
        label="Area as the letter words it",
        max_length=200,
        help_text="Becomes the title of a new area of concern.",
        error_messages={
            "required": "Enter the area's title, or tick Remove",
            "max_length": "The area's title must be 200 characters or fewer",
        },
    )
    match = forms.ChoiceField(
        label="Matches the area of concern",
        error_messages={
            "required": "Choose the area of concern it matches, or a new area",
            "invalid_choice": "Choose the area of concern it matches from the list",
        },
    )

    def __init__(self, *args, area_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["match"].choices = [
            ("", "Choose an area of concern"),
            (NEW_AREA, "A new area of concern"),
            *area_choices,
        ]
        self.helper = self.govuk_helper()
        self.helper.layout = Layout("key", "title", Field.select("match"), "DELETE")


class FindingRowForm(RowForm):
    text = forms.CharField(
        label="The letter's words",
        help_text="To split it into two findings, leave an empty line where the second starts.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the finding's words from the letter, or tick Remove"},
    )
    match = forms.ChoiceField(
        label="Is it a finding already recorded for this visit?",
        required=False,
        initial=NEW_FINDING,
        error_messages={"invalid_choice": "Choose a finding of this visit from the list"},
    )
    summary = forms.CharField(
        label="Summary",
        help_text="Leave blank to use its first sentence.",
        required=False,
        max_length=300,
        error_messages={"max_length": "The summary must be 300 characters or fewer"},
    )
    kind = forms.ChoiceField(
        label="Kind of finding",
        choices=[("", "Choose the kind of finding"), *FindingKind.choices],
        error_messages={"required": "Choose the kind of finding"},
    )
    area = forms.ChoiceField(
        label="Area of concern",
        required=False,
        error_messages={"invalid_choice": "Choose the area of concern from the list"},
    )
    section = forms.ChoiceField(
        label="Where the letter says it",
        choices=FindingSection.choices,
        initial=FindingSection.DETAILED,
        error_messages={"required": "Choose where the letter says it"},
    )

    def __init__(self, *args, area_choices=(), recorded=(), **kwargs):
        """``recorded``: the findings already recorded for the visit, which a row may
        repeat; the one it is matched to is quoted beneath the choice."""
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Not about one area of concern"), *area_choices]
        recorded = {f"{SAME_FINDING}{finding.pk}": finding for finding in recorded}
        choices = [(NEW_FINDING, "No: a new finding"), (LEAVE_OUT, "Leave it out")]
        if recorded:
            same = [(value, f"Yes: {_short(f.summary)}") for value, f in recorded.items()]
            choices.append(("The same as a finding already recorded", same))
        self.fields["match"].choices = choices
        self.recorded = recorded
        # Read without a bound field: one made now would keep the help text it saw.
        value = self.data.get(self.add_prefix("match")) if self.is_bound else None
        chosen = recorded.get(str(value or self.initial.get("match") or ""))
        if chosen is not None:
            self.fields["match"].help_text = (
                f"Recorded now as: \u201c{_short(chosen.evidence or chosen.summary, 400)}\u201d "
                "Saving updates that finding with the words, kind and area below."
            )
        self.helper = self.govuk_helper()
        self.helper.layout = Layout(
            "key",
            "text",
            Field.select("match"),
            "summary",
            Field.select("kind"),
            Field.select("area"),
            Field.select("section"),
            "DELETE",
        )

    def clean_match(self):
        return self.cleaned_data.get("match") or NEW_FINDING


def _short(text, limit=120):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


class ImprovementRowForm(RowForm):
    title = forms.CharField(
        label="Title of the area of concern",
        max_length=200,
        error_messages={
            "required": "Enter the area's title, or tick Remove",
            "max_length": "The area's title must be 200 characters or fewer",
        },
    )
    description = forms.CharField(
        label="What the report says needs to improve",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.pop("area_choices", None)
        kwargs.pop("recorded", None)
        super().__init__(*args, **kwargs)
        self.helper = self.govuk_helper()
        self.helper.layout = Layout("key", "title", "description", "DELETE")


class RowFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove"


def row_formset(form_class):
    return formset_factory(form_class, formset=RowFormSet, extra=0, can_delete=True)


AreaFormSet = row_formset(AreaRowForm)
FindingFormSet = row_formset(FindingRowForm)
ImprovementFormSet = row_formset(ImprovementRowForm)

AREAS, FINDINGS, IMPROVEMENTS = "areas", "findings", "improvements"
ROW_KEY_PREFIX = {AREAS: "a", FINDINGS: "f", IMPROVEMENTS: "i"}
# What an added row starts with: a select shows its first choice when none is chosen,
# and a finding added by hand is most often a detailed one.
NEW_ROW = {FINDINGS: {"section": [FindingSection.DETAILED], "match": [NEW_FINDING]}}
ROW_LABELS = {AREAS: "Area", FINDINGS: "Finding", IMPROVEMENTS: "Area of concern"}


# Rewriting posted rows ------------------------------------------------------------------------


def posted_rows(data, prefix):
    """The rows a formset was posted with: for each, {field name: [values]}."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        total = 0
    total = max(0, min(total, settings.DATA_UPLOAD_MAX_NUMBER_FIELDS))
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)-(.+)$")
    rows = [{} for _ in range(total)]
    for name in data:
        found = pattern.match(name)
        if found and int(found[1]) < total:
            rows[int(found[1])][found[2]] = data.getlist(name)
    return rows


def rebuild_rows(data, prefix, *, add=False, split=False):
    """The posted rows as the person means them, as formset data: rows ticked Remove
    dropped, findings split where an empty line was left, an empty row added at the
    end if asked. Every row is numbered afresh; none counts as an initial form, so a
    row left empty is simply left out."""
    # A row with nothing posted for it (a made-up row count) is no row at all.
    rows = [row for row in posted_rows(data, prefix) if row and not row.get("DELETE", [""])[-1]]
    if split:
        rows = [part for row in rows for part in split_row(row)]
    keys = {row.get("key", [""])[-1] for row in rows}
    if add:
        rows.append({"key": [unused_key(ROW_KEY_PREFIX[prefix], keys)], **NEW_ROW.get(prefix, {})})
    for row in rows:
        if not row.get("key", [""])[-1]:
            row["key"] = [unused_key(ROW_KEY_PREFIX[prefix], keys)]
            keys.add(row["key"][0])
    return management(prefix, len(rows)) | {
        f"{prefix}-{index}-{name}": values
        for index, row in enumerate(rows)
        for name, values in row.items()
        if name != "DELETE"
    }


def split_row(row):
    """A finding row, or the rows it splits into where an empty line was left: each
    part keeps the kind, area and section; only the first keeps the summary and
    the finding already recorded it was matched to."""
    from .importing import split_paragraphs

    parts = split_paragraphs(row.get("text", [""])[-1])
    if len(parts) < 2:
        return [row]
    first = {**row, "text": [parts[0]]}
    rest = [
        {**row, "text": [part], "summary": [""], "key": [""], "match": [NEW_FINDING]}
        for part in parts[1:]
    ]
    return [first, *rest]


def unused_key(stem, keys):
    number = len(keys) + 1
    while f"{stem}{number}" in keys:
        number += 1
    return f"{stem}{number}"


def management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": [str(total)],
        f"{prefix}-INITIAL_FORMS": ["0"],
        f"{prefix}-MIN_NUM_FORMS": ["0"],
        f"{prefix}-MAX_NUM_FORMS": ["1000"],
    }
