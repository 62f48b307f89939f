from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import F

from accounts.audit import delete_as, save_as
from accounts.forms import AuditedModelForm

from .models import (
    AreaOfConcern,
    Grade,
    Inspection,
    Judgement,
    LocalAuthority,
    Visit,
    VisitArea,
)


class RulesBesideFieldsMixin:
    """Model rules shown where the person can put them right.

    ``rule_fields`` maps a constraint's name to the field its message belongs
    beside ("The visit cannot end before it starts." under the end date, not at
    the top of the form). Fields the page decides rather than the person (the
    inspection a judgement belongs to) are set with ``fix_field``: they leave the
    form but still take part in the model's checks, so a rule such as "one
    judgement per area" is refused with its message instead of failing on save.
    """

    rule_fields: dict[str, str] = {}

    def fix_field(self, name, value):
        setattr(self.instance, name, value)
        self.fields.pop(name, None)
        self._fixed_fields = {*getattr(self, "_fixed_fields", set()), name}
        self.helper.layout = self.helper.build_default_layout(self)

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() - getattr(self, "_fixed_fields", set())

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict") and NON_FIELD_ERRORS in errors.error_dict:
            errors = ValidationError(self._rules_beside_fields(errors.error_dict))
        super()._update_errors(errors)

    def _rules_beside_fields(self, error_dict):
        beside = {
            constraint.get_violation_error_message(): self.rule_fields[constraint.name]
            for constraint in self._meta.model._meta.constraints
            if self.rule_fields.get(constraint.name) in self.fields
        }
        moved = {name: list(errors) for name, errors in error_dict.items()}
        kept = []
        for error in moved.pop(NON_FIELD_ERRORS):
            field = beside.get(str(error.message))
            if field:
                moved.setdefault(field, []).append(error)
            else:
                kept.append(error)
        if kept:
            moved[NON_FIELD_ERRORS] = kept
        return moved


class LocalAuthorityForm(AuditedModelForm):
    class Meta:
        model = LocalAuthority
        fields = ["name", "ofsted_code"]
        labels = {"name": "Name of the local authority"}
        help_texts = {"name": "As Ofsted writes it, for example Devon County Council."}
        error_messages = {
            "name": {
                "required": "Enter the name of the local authority",
                "max_length": "The name must be 150 characters or fewer",
                "unique": "There is already a local authority with this name",
            },
            "ofsted_code": {"max_length": "The Ofsted code must be 10 characters or fewer"},
        }


class InspectionForm(RulesBesideFieldsMixin, AuditedModelForm):
    rule_fields = {
        "inspection_ends_after_start": "end_date",
        "inspection_published_after_start": "published_on",
    }

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


class JudgementForm(RulesBesideFieldsMixin, AuditedModelForm):
    """A judgement; on an inspection's page, ``inspection`` is that inspection."""

    rule_fields = {"one_judgement_per_area_per_inspection": "area"}

    class Meta:
        model = Judgement
        fields = ["inspection", "area", "grade"]
        labels = {"area": "Judgement area"}

    def __init__(self, *args, inspection=None, **kwargs):
        super().__init__(*args, **kwargs)
        if inspection is not None:
            self.fix_field("inspection", inspection)
        # Radios, without the empty choice a select needs.
        self.fields["grade"].widget = forms.RadioSelect()
        self.fields["grade"].choices = Grade.choices
        self.fields["grade"].error_messages["required"] = "Choose a grade"
        self.fields["area"].choices = [("", "Choose a judgement area"), *Judgement.Area.choices]
        self.fields["area"].error_messages["required"] = "Choose the judgement area"


class AreaOfConcernForm(RulesBesideFieldsMixin, AuditedModelForm):
    rule_fields = {"area_title_unique_per_inspection": "title"}

    class Meta:
        model = AreaOfConcern
        fields = ["identified_at", "title", "description", "status"]
        labels = {"identified_at": "Identified at"}
        help_texts = {"identified_at": "The inspection whose report named this area."}
        error_messages = {
            "title": {"required": "Enter the area's title"},
            "identified_at": {"required": "Choose the inspection that identified the area"},
        }


def whole_number_input():
    """A number box as the GOV.UK Design System asks for one: text with a numeric
    keyboard (browsers' number inputs round and scroll), styled like other inputs."""
    return forms.TextInput(
        attrs={
            "inputmode": "numeric",
            "spellcheck": "false",
            "class": "govuk-input govuk-input--width-3",
        }
    )


def _ordinal(number):
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


class VisitForm(RulesBesideFieldsMixin, AuditedModelForm):
    """A visit, with the areas of concern it covered in the order its letter lists them.

    The form asks as the letter reads: "1st area", "2nd area", ..., each a drop-down
    of the areas the visit could cover, so choosing and ordering are one step that
    works without JavaScript. The chosen areas are saved as ``VisitArea`` rows,
    numbered 1, 2, 3 in that order (places left empty close up), in the same
    transaction as the visit.
    """

    PLACE_PREFIX = "place_"

    rule_fields = {
        "visit_ends_after_start": "end_date",
        "visit_letter_after_start": "letter_date",
        "visit_publication_date_only_when_published": "published_on",
        "visit_number_unique_per_inspection": "number",
    }

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
        labels = {
            "authority": "Local authority",
            "follows": "Inspection it follows",
            "kind": "Kind of visit",
            "number": "Number in the series",
            "is_published": "The letter has been published",
            "inspectors": "Inspectors",
            "letter_text": "Text of the letter",
        }
        help_texts = {
            "inspectors": "One inspector a line, as the letter names them.",
            "is_published": "Scrutiny members can only see visits whose letter is published.",
        }
        error_messages = {
            "authority": {"required": "Choose the local authority"},
            "kind": {"required": "Choose the kind of visit"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].widget = whole_number_input()
        self.fields["follows"].empty_label = "Not recorded"
        self.fields["authority"].empty_label = "Choose the local authority"
        self.fields["kind"].choices = [("", "Choose the kind of visit"), *Visit.Kind.choices]
        self.areas = self._candidate_areas()
        self.place_names = [self.place_field(place) for place in range(1, len(self.areas) + 1)]
        covered = (
            [link.area_id for link in self.instance.area_links.all()] if self.instance.pk else []
        )
        for place, name in enumerate(self.place_names, start=1):
            self.fields[name] = self._area_choice(place, covered)
        self.helper.layout = self._layout()

    @classmethod
    def place_field(cls, place):
        return f"{cls.PLACE_PREFIX}{place}"

    def _candidate_areas(self):
        """Open areas of concern (of this visit's authority, once it has one) and
        any area the visit already covers, open or not."""
        areas = AreaOfConcern.objects.filter(status=AreaOfConcern.Status.OPEN)
        if self.instance.authority_id:
            areas = areas.filter(identified_at__authority_id=self.instance.authority_id)
        if self.instance.pk:
            areas = areas | AreaOfConcern.objects.filter(visit_links__visit=self.instance)
        areas = areas.distinct().order_by(
            "identified_at__authority__name", F("identified_at__start_date").desc(), "pk"
        )
        return list(areas.select_related("identified_at__authority"))

    def _area_choice(self, place, covered):
        # Grouped by the inspection that identified them (and its authority, when
        # there are several), so each option reads as the area's own title.
        several = len({area.identified_at.authority_id for area in self.areas}) > 1
        groups = {}
        for area in self.areas:
            inspection = area.identified_at
            group = f"{inspection.authority}: {inspection}" if several else f"From the {inspection}"
            closed = " (closed)" if area.status == AreaOfConcern.Status.CLOSED else ""
            groups.setdefault(group, []).append((area.pk, f"{area.title}{closed}"))
        return forms.TypedChoiceField(
            label=f"{_ordinal(place)} area",
            choices=[("", "None")] + list(groups.items()),
            coerce=int,
            empty_value=None,
            required=False,
            initial=covered[place - 1] if place <= len(covered) else None,
            error_messages={"invalid_choice": "Choose an area of concern from the list"},
        )

    def _layout(self):
        if self.place_names:
            areas = Fieldset(
                HTML(
                    '<div class="govuk-hint">Choose the areas of concern in the order the'
                    " letter lists them, and leave the rest as \u201cNone\u201d. Closed areas"
                    " are only offered if the visit already covers them.</div>"
                ),
                *[Field.select(name) for name in self.place_names],
                legend="Areas covered by the visit",
                legend_size=Size.MEDIUM,
            )
        else:
            areas = HTML(
                '<h2 class="govuk-heading-m">Areas covered by the visit</h2>'
                '<p class="govuk-body">There are no open areas of concern to choose from.'
                " Add the areas of concern first, then change this visit to choose them.</p>"
            )
        fields = list(self._meta.fields)
        after = fields.index("inspectors") + 1
        return Layout(*fields[:after], areas, *fields[after:])

    def clean_inspectors(self):
        lines = (line.strip() for line in self.cleaned_data["inspectors"].splitlines())
        return "\n".join(line for line in lines if line)

    def clean(self):
        cleaned = super().clean()
        follows, authority = cleaned.get("follows"), cleaned.get("authority")
        if follows and authority and follows.authority_id != authority.pk:
            self.add_error("follows", "Choose an inspection of the same local authority")
        self.chosen_areas = self._clean_areas(authority)
        return cleaned

    def _clean_areas(self, authority):
        """The areas chosen, in letter order; each area in one place only."""
        by_pk = {area.pk: area for area in self.areas}
        chosen, places = [], {}
        for place, name in enumerate(self.place_names, start=1):
            area = by_pk.get(self.cleaned_data.get(name))
            if area is None:
                continue
            if authority and area.identified_at.authority_id != authority.pk:
                self.add_error(name, f"Choose an area of concern of {authority}, or none")
            elif area.pk in places:
                self.add_error(
                    name,
                    f"{area.title} is already the {_ordinal(places[area.pk])} area:"
                    " choose each area once",
                )
            else:
                places[area.pk] = place
                chosen.append(area)
        return chosen

    def _save_m2m(self):
        # Called by save() once the visit has its primary key, inside the
        # transaction AuditedModelForm.save() opens.
        super()._save_m2m()
        self._save_areas()

    def _save_areas(self):
        """Make the visit's ``VisitArea`` rows say ``chosen_areas``, each write named.

        Unchanged rows are left alone (no history noise). A row that moves is first
        parked past the last place, unrecorded, so two areas can swap places without
        breaking "one area per place"; its recorded change is the real move.
        """
        visit = self.instance
        wanted = {area.pk: place for place, area in enumerate(self.chosen_areas, start=1)}
        links = {link.area_id: link for link in visit.area_links.all()}
        for area_id, link in links.items():
            if area_id not in wanted:
                delete_as(link, self.user)
        moving = [
            link
            for area_id, link in links.items()
            if area_id in wanted and link.position != wanted[area_id]
        ]
        parking = max([link.position for link in links.values()] + [len(wanted)]) + 1
        for offset, link in enumerate(moving):
            VisitArea.objects.filter(pk=link.pk).update(position=parking + offset)
        for link in moving:
            link.position = wanted[link.area_id]
            save_as(link, self.user)
        for area in self.chosen_areas:
            if area.pk not in links:
                save_as(VisitArea(visit=visit, area=area, position=wanted[area.pk]), self.user)


class VisitAreaForm(AuditedModelForm):
    class Meta:
        model = VisitArea
        fields = ["visit", "area", "position"]
