from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.db import transaction
from django.utils.html import format_html

from accounts.audit import save_as
from accounts.forms import AuditedModelForm
from inspections.forms import RulesBesideFieldsMixin, whole_number_input
from inspections.models import AreaOfConcern

from .models import AreaRating, Finding

COMMENTARY_LIMIT = AreaRating._meta.get_field("commentary").max_length


class FindingForm(RulesBesideFieldsMixin, AuditedModelForm):
    """A finding; from a visit's page, ``visit`` is that visit and the areas to
    choose from are its local authority's."""

    class Meta:
        model = Finding
        fields = ["visit", "area", "kind", "section", "summary", "evidence", "position"]
        labels = {
            "kind": "Kind of finding",
            "section": "Where the letter says it",
            "position": "Order within its section",
        }
        help_texts = {
            "area": "Leave blank if the finding is not about one area of concern.",
            "position": "Findings are listed in this order: 1 before 2.",
        }
        # The form refuses a blank summary before the model's rule is reached: same words.
        error_messages = {"summary": {"required": "Enter a summary of the finding."}}

    def __init__(self, *args, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        visit = visit or (self.instance.visit if self.instance.visit_id else None)
        if visit is not None:
            self.fix_field("visit", visit)
            self.fields["area"].queryset = AreaOfConcern.objects.filter(
                identified_at__authority_id=visit.authority_id
            ).select_related("identified_at")
        self.fields["area"].empty_label = "Not about one area of concern"
        self.fields["kind"].widget = forms.RadioSelect()
        self.fields["kind"].choices = Finding.Kind.choices
        self.fields["kind"].error_messages["required"] = "Choose the kind of finding"
        self.fields["section"].widget = forms.RadioSelect()
        self.fields["section"].choices = Finding.Section.choices
        self.fields["position"].widget = whole_number_input()


class AreaRatingForm(AuditedModelForm):
    class Meta:
        model = AreaRating
        fields = ["visit", "area", "rating", "commentary"]


class VisitRatingsForm(forms.Form):
    """How far each area a visit covered had moved: a rating and commentary per
    area, saved together (one transaction) as ``AreaRating`` rows, each named."""

    def __init__(self, *args, visit, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.user = user
        self.areas = visit.ordered_areas()
        self.existing = {rating.area_id: rating for rating in visit.area_ratings.all()}
        layout = []
        for place, area in enumerate(self.areas, start=1):
            rating = self.existing.get(area.pk)
            rating_name, commentary_name = self.field_names(area)
            # crispy-forms-gds marks labels safe: escape what people typed.
            self.fields[rating_name] = forms.ChoiceField(
                label=format_html("{}. {}", place, area.title),
                choices=AreaRating.Rating.choices,
                widget=forms.RadioSelect,
                initial=rating.rating if rating else None,
                error_messages={"required": f"Choose a rating for {area.title}"},
            )
            self.fields[commentary_name] = forms.CharField(
                label=format_html("Commentary on {}", area.title),
                help_text="Optional: what the letter says about the area's progress.",
                required=False,
                max_length=COMMENTARY_LIMIT,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=rating.commentary if rating else "",
                error_messages={
                    "max_length": f"Commentary on {area.title} must be "
                    f"{COMMENTARY_LIMIT:,} characters or fewer"
                },
            )
            self.fields[commentary_name].widget.attrs.pop("maxlength", None)
            layout += [Field.radios(rating_name, legend_size=Size.MEDIUM), commentary_name]
        self.helper = FormHelper(self)
        self.helper.layout = Layout(*layout)
        self.helper.add_input(Submit("submit", "Save ratings"))

    @staticmethod
    def field_names(area):
        return f"rating_{area.pk}", f"commentary_{area.pk}"

    def save(self):
        """Create or update each area's rating; unchanged ones are left alone."""
        saved = []
        with transaction.atomic():
            for area in self.areas:
                rating_name, commentary_name = self.field_names(area)
                values = {
                    "rating": self.cleaned_data[rating_name],
                    "commentary": self.cleaned_data[commentary_name].strip(),
                }
                rating = self.existing.get(area.pk) or AreaRating(visit=self.visit, area=area)
                if rating.pk and all(getattr(rating, k) == v for k, v in values.items()):
                    continue
                for name, value in values.items():
                    setattr(rating, name, value)
                saved.append(save_as(rating, self.user))
        return saved
