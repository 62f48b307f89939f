"""Importing an Ofsted letter or report: upload or paste it (import_start_views),
review what was read, confirm. Only the improvement team may; nothing is saved
until they confirm.

The review page works on the draft in the session (findings.import_drafts). Its
buttons are all posts to the same page: "Add another ..." and "Update" rewrite the
rows and show the page again; "Confirm" checks everything and saves it in one go.
"""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.generic import TemplateView

from accounts.access import may
from accounts.mixins import PageTitleMixin, PermissionMixin
from inspections.models import (
    AreaOfConcern,
    Inspection,
    Judgement,
    LocalAuthority,
    Visit,
    VisitArea,
)

from . import import_records
from .import_drafts import current_draft, discard_draft
from .import_forms import (
    AREA_ROW,
    AREAS,
    EXISTING_AREA,
    FINDINGS,
    IMPROVEMENTS,
    NEW_AREA,
    NEW_FINDING,
    ROW_LABELS,
    SAME_FINDING,
    AreaFormSet,
    FindingFormSet,
    ImprovementFormSet,
    InspectionReviewForm,
    VisitReviewForm,
    rebuild_rows,
)
from .importing import (
    INSPECTION_KINDS,
    best_match,
    first_sentence,
    judgement_area,
    match_findings,
    names_same_authority,
    short_title,
    suggest_finding_area,
    suggest_kind,
)
from .models import Finding, FindingSection, ImportedDocument

logger = logging.getLogger(__name__)

# Every record an import may write or update.
IMPORT_MODELS = (Visit, VisitArea, AreaOfConcern, Finding, Inspection, Judgement)

CONFIRM, UPDATE = "confirm", "update"
ADD_ROW = {"add_area": AREAS, "add_finding": FINDINGS, "add_improvement": IMPROVEMENTS}


class ImportPermissionMixin(PermissionMixin):
    """Only people who may add and change every record an import writes."""

    model = Visit
    permission_verb = "add"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not all(
            may(user, verb, model) for model in IMPORT_MODELS for verb in ("add", "change")
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportReviewView(ImportPermissionMixin, PageTitleMixin, TemplateView):
    template_name = "findings/import_review.html"

    def dispatch(self, request, *args, **kwargs):
        self.draft = current_draft(request)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        if self.draft and self.draft.kind == ImportedDocument.Kind.REPORT:
            return "Check the inspection report before saving it"
        return "Check the letter before saving it"

    # Reading the draft -------------------------------------------------------------

    @property
    def is_letter(self):
        return self.draft.kind == ImportedDocument.Kind.LETTER

    def authority(self):
        if not hasattr(self, "_authority"):
            self._authority = LocalAuthority.objects.filter(pk=self.draft.authority_id).first()
        return self._authority

    def authority_areas(self):
        if not hasattr(self, "_areas"):
            self._areas = list(
                AreaOfConcern.objects.filter(identified_at__authority_id=self.draft.authority_id)
                .select_related("identified_at")
                .order_by("-identified_at__start_date", "pk")
            )
        return self._areas

    def get(self, request, *args, **kwargs):
        if self.draft is None or self.authority() is None:
            return redirect_to_start("missing")
        if self.is_letter:
            forms = self.letter_forms(initial=self.letter_initial())
        else:
            forms = self.report_forms(initial=self.report_initial())
        return self.render_to_response(self.get_context_data(**forms))

    def post(self, request, *args, **kwargs):
        if self.draft is None or self.authority() is None:
            return redirect_to_start("missing")
        if request.POST.get("draft") != self.draft.token:
            return redirect_to_start("replaced")
        action = request.POST.get("action", UPDATE)
        data = self.rebuilt_data(request.POST, add=ADD_ROW.get(action))
        build = self.letter_forms if self.is_letter else self.report_forms
        forms = build(data=data)
        if action == CONFIRM and self.all_valid(forms):
            response = self.confirm(forms)
            if response is not None:
                return response
        return self.render_to_response(self.get_context_data(**forms))

    def rebuilt_data(self, posted, add=None):
        prefixes = (AREAS, FINDINGS) if self.is_letter else (IMPROVEMENTS,)
        data = MultiValueDict(
            {key: posted.getlist(key) for key in posted if not key.startswith(prefixes)}
        )
        for prefix in prefixes:
            rows = rebuild_rows(posted, prefix, add=add == prefix, split=prefix == FINDINGS)
            for key, values in rows.items():
                data.setlist(key, values)
        return data

    # Letters ------------------------------------------------------------------------

    def letter_initial(self):
        parsed = self.draft.parsed
        kind = parsed.get("visit_kind") or Visit.Kind.MONITORING
        start = iso_date(parsed.get("visit_start"))
        existing = import_records.existing_visit(self.draft, kind, start)
        visit = {
            "kind": kind,
            "number": parsed.get("visit_number"),
            "start_date": start,
            "end_date": iso_date(parsed.get("visit_end")) or start,
            "letter_date": iso_date(parsed.get("letter_date")),
            "follows": self.suggested_inspection(parsed.get("inadequate_since"), start),
            "inspectors": "\n".join(parsed.get("inspectors") or []),
            "is_published": False,
            "draft": self.draft.token,
            "existing": existing.pk if existing else "",
        }
        if existing:
            visit.update(
                follows=existing.follows_id or visit["follows"],
                is_published=existing.is_published,
                published_on=existing.published_on,
            )
        areas = [
            {"key": f"a{index}", "title": title, "match": self.suggested_match(title)}
            for index, title in enumerate(parsed.get("areas_covered") or [], start=1)
        ]
        paragraphs = [
            (FindingSection.HEADLINE, text) for text in parsed.get("headline_findings") or []
        ] + [(FindingSection.DETAILED, text) for text in parsed.get("findings") or []]
        matches = match_findings([text for _section, text in paragraphs], self.recorded(existing))
        findings = [
            self.finding_initial(index, section, text, areas, match)
            for index, ((section, text), match) in enumerate(
                zip(paragraphs, matches, strict=True), start=1
            )
        ]
        return {"visit": visit, AREAS: areas, FINDINGS: findings}

    def suggested_inspection(self, inadequate_since, start):
        """The inspection the letter says the authority was judged inadequate at (its
        month), or else the latest one before the visit."""
        inspections = list(
            Inspection.objects.filter(authority_id=self.draft.authority_id).order_by("-start_date")
        )
        if inadequate_since:
            month = [i for i in inspections if f"{i.start_date:%Y-%m}" == inadequate_since]
            month = month or [
                i for i in inspections if i.end_date and f"{i.end_date:%Y-%m}" == inadequate_since
            ]
            if month:
                return month[0].pk
        before = [i for i in inspections if start is None or i.start_date <= start]
        return before[0].pk if before else None

    def suggested_match(self, title):
        area, _score = best_match(title, self.authority_areas(), label=lambda a: a.title)
        return str(area.pk) if area else NEW_AREA

    def recorded(self, existing):
        """The findings already recorded for the visit being updated, in its order."""
        if existing is None:
            return []
        if getattr(self, "_recorded_for", None) != existing.pk:
            self._recorded_for = existing.pk
            self._recorded = list(existing.findings.order_by("section", "position", "pk"))
        return self._recorded

    def finding_initial(self, index, section, text, areas, match):
        """A row's first values: those of the finding already recorded that it repeats
        (what the team chose for it last time beats the cue words), or suggestions."""
        known = match[0] if match else None
        if known is not None:
            covered = [str(area["match"]) for area in areas]
            area = ""
            if known.area_id and str(known.area_id) in covered:
                area = AREA_ROW + areas[covered.index(str(known.area_id))]["key"]
            elif known.area_id:
                area = EXISTING_AREA + str(known.area_id)
            return {
                "key": f"f{index}",
                "text": text,
                "match": f"{SAME_FINDING}{known.pk}",
                "summary": known.summary,
                "kind": known.kind,
                "area": area,
                "section": known.section,
            }
        place = suggest_finding_area(text, [area["title"] for area in areas])
        return {
            "key": f"f{index}",
            "text": text,
            "match": NEW_FINDING,
            "summary": first_sentence(text),
            "kind": suggest_kind(text),
            "area": AREA_ROW + areas[place]["key"] if place is not None else "",
            "section": section,
        }

    def letter_forms(self, data=None, initial=None):
        initial = initial or {}
        area_choices = self.match_choices()
        areas = AreaFormSet(
            data,
            prefix=AREAS,
            initial=initial.get(AREAS),
            form_kwargs={"area_choices": area_choices},
        )
        form = VisitReviewForm(data, initial=initial.get("visit"), authority=self.authority())
        findings = FindingFormSet(
            data,
            prefix=FINDINGS,
            initial=initial.get(FINDINGS),
            form_kwargs={
                "area_choices": self.finding_area_choices(areas),
                "recorded": self.recorded(self.offered_visit(form)),
            },
        )
        return {"form": form, "formsets": [areas, findings]}

    def offered_visit(self, form):
        """The visit the page offers to update (the form's hidden ``existing``)."""
        offered = str(form["existing"].value() or "")
        if not offered.isdigit():
            return None
        return Visit.objects.filter(pk=int(offered), authority_id=self.draft.authority_id).first()

    def match_choices(self):
        """The authority's areas of concern, grouped by the inspection that found them."""
        groups = {}
        for area in self.authority_areas():
            groups.setdefault(str(area.identified_at), []).append((str(area.pk), area.title))
        return list(groups.items())

    def finding_area_choices(self, area_formset):
        """Each area row of the page (by its key, as the person has named it), then the
        authority's other areas of concern."""
        rows, matched = [], set()
        for place, form in enumerate(area_formset.forms, start=1):
            key, title = form["key"].value(), (form["title"].value() or "").strip()
            if key:
                rows.append((AREA_ROW + key, f"{place}. {title or 'Untitled area'}"))
                matched.add(str(form["match"].value()))
        others = [
            (EXISTING_AREA + str(area.pk), area.title)
            for area in self.authority_areas()
            if str(area.pk) not in matched
        ]
        choices = [("Areas covered by this visit", rows)] if rows else []
        if others:
            choices.append(("Other areas of concern", others))
        return choices

    # Reports ------------------------------------------------------------------------

    def report_initial(self):
        parsed = self.draft.parsed
        start = iso_date(parsed.get("inspection_start"))
        existing = import_records.existing_inspection(self.draft, start)
        framework = parsed.get("framework")
        inspection = {
            "kind": INSPECTION_KINDS.get(framework, ""),
            "start_date": start,
            "end_date": iso_date(parsed.get("inspection_end")),
            "lead_inspector": parsed.get("lead_inspector") or "",
            "draft": self.draft.token,
            "existing": existing.pk if existing else "",
        }
        if existing:
            inspection.update(
                kind=existing.kind,
                published_on=existing.published_on,
                report_url=existing.report_url,
            )
        for key, grade in (parsed.get("judgements") or {}).items():
            area = judgement_area(key, framework)
            if area is not None:
                inspection[InspectionReviewForm.grade_field(area)] = grade
        improvements = [
            {"key": f"i{index}", "title": short_title(text), "description": text}
            for index, text in enumerate(parsed.get("improvements") or [], start=1)
        ]
        return {"inspection": inspection, IMPROVEMENTS: improvements}

    def report_forms(self, data=None, initial=None):
        initial = initial or {}
        form = InspectionReviewForm(
            data, initial=initial.get("inspection"), authority=self.authority()
        )
        improvements = ImprovementFormSet(
            data, prefix=IMPROVEMENTS, initial=initial.get(IMPROVEMENTS)
        )
        return {"form": form, "formsets": [improvements]}

    # Confirming ---------------------------------------------------------------------

    def all_valid(self, forms):
        form, formsets = forms["form"], forms["formsets"]
        valid = form.is_valid() & all(formset.is_valid() for formset in formsets)
        if not valid:
            return False
        if import_records.imported_elsewhere(self.draft):
            other = import_records.imported_elsewhere(self.draft).authority
            form.add_error(None, f"This document has already been imported for {other}")
            return False
        if self.is_letter:
            check_area_rows(formsets[0], form.cleaned_data.get("follows"))
            check_finding_matches(formsets[1])
        else:
            check_unique_titles(formsets[0])
        return not form.errors and all(formset.is_valid() for formset in formsets)

    def existing(self, form):
        cleaned = form.cleaned_data
        if self.is_letter:
            return import_records.existing_visit(self.draft, cleaned["kind"], cleaned["start_date"])
        return import_records.existing_inspection(self.draft, cleaned["start_date"])

    def confirm(self, forms):
        """Save and redirect; or None, with the reason on the form, to show it again."""
        form, formsets = forms["form"], forms["formsets"]
        existing = self.existing(form)
        offered = form.cleaned_data.get("existing") or ""
        if str(existing.pk if existing else "") != offered:
            # What the page offered is not what confirming would do (the dates were
            # changed to another visit's, say): show the offer before doing it.
            form.data = form.data.copy()
            form.data["existing"] = str(existing.pk) if existing else ""
            form.add_error(None, self.changed_offer_message(existing))
            return None
        rows = [
            [row for row in formset.cleaned_data if row and not row.get("DELETE")]
            for formset in formsets
        ]
        user = self.request.user
        tally = None
        try:
            if self.is_letter:
                saved, tally = import_records.save_letter(
                    user=user,
                    draft=self.draft,
                    form=form,
                    area_rows=rows[0],
                    finding_rows=rows[1],
                    visit=existing,
                )
            else:
                saved = import_records.save_report(
                    user=user,
                    draft=self.draft,
                    form=form,
                    improvement_rows=rows[0],
                    inspection=existing,
                )
        except IntegrityError:
            # Someone else confirmed the same document a moment ago.
            form.add_error(None, "This document has just been imported by someone else")
            return None
        discard_draft(self.request)
        said = f"{'Updated' if existing else 'Imported'} {saved}"
        messages.success(self.request, f"{said}: {tally}" if tally else said)
        return HttpResponseRedirect(saved.get_absolute_url())

    def changed_offer_message(self, existing):
        if existing is None:
            return "Nothing matches this document any more: confirm again to save it as new"
        return (
            f"This matches {existing} already recorded: "
            "confirm again to update it rather than add another"
        )

    # The page -------------------------------------------------------------------------

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, formsets = kwargs["form"], kwargs["formsets"]
        offered = form["existing"].value()
        existing = None
        if offered:
            model = Visit if self.is_letter else Inspection
            existing = model.objects.filter(pk=offered).first()
        errors = error_links(form, formsets)
        named = (self.draft.parsed.get("authority") or "").strip()
        context.update(
            draft=self.draft,
            is_letter=self.is_letter,
            authority=self.authority(),
            named_authority=named,
            names_another_authority=bool(named)
            and not names_same_authority(named, self.authority().name),
            existing=existing,
            error_list=errors,
            page_has_errors=bool(errors),
            sections=self.sections(formsets),
        )
        return context

    def sections(self, formsets):
        if self.is_letter:
            areas, findings = formsets
            return [
                {
                    "id": "areas",
                    "title": "Areas covered by the visit",
                    "hint": "In the letter's order. Match each to an area of concern "
                    "already recorded, or make it a new one.",
                    "formset": areas,
                    "row": "Area",
                    "add": ("add_area", "Add another area"),
                },
                {
                    "id": "findings",
                    "title": "Findings",
                    "hint": "Headline findings first, then the findings and evaluation "
                    "of progress. The kind and area are suggestions: check each one.",
                    "formset": findings,
                    "row": "Finding",
                    "add": ("add_finding", "Add another finding"),
                },
            ]
        return [
            {
                "id": "improvements",
                "title": "What needs to improve",
                "hint": "Each becomes an area of concern identified at this inspection.",
                "formset": formsets[0],
                "row": "Area of concern",
                "add": ("add_improvement", "Add another area of concern"),
            }
        ]


def check_area_rows(formset, follows):
    """Rules across the areas covered: each existing area once; new areas need the
    inspection they belong to, and a title it has not used."""
    seen, new_titles = set(), set()
    taken = set(follows.areas_of_concern.values_list("title", flat=True)) if follows else set()
    for form in formset.forms:
        row = form.cleaned_data
        if not row or row.get("DELETE"):
            continue
        # add_error takes the field out of cleaned_data: read the row first.
        match, title = row["match"], row["title"]
        if match != NEW_AREA:
            if match in seen:
                form.add_error("match", "This area of concern is matched twice: choose another")
            seen.add(match)
        elif follows is None:
            form.add_error(
                "match", "Choose the inspection the visit follows, so the new area belongs to it"
            )
        elif title in taken:
            form.add_error(
                "title",
                f"{follows} already has an area with this title: choose it from the list",
            )
        elif title in new_titles:
            form.add_error("title", "Two new areas have this title: change one of them")
        else:
            new_titles.add(title)


def check_finding_matches(formset):
    """Each finding already recorded is the same as one paragraph at most."""
    seen = set()
    for form in formset.forms:
        match = (form.cleaned_data or {}).get("match", "")
        if not match.startswith(SAME_FINDING) or form.cleaned_data.get("DELETE"):
            continue
        if match in seen:
            form.add_error(
                "match",
                "This finding already recorded is chosen for two paragraphs: choose another",
            )
        seen.add(match)


def check_unique_titles(formset):
    titles = set()
    for form in formset.forms:
        title = (form.cleaned_data or {}).get("title")
        if title in titles:
            form.add_error("title", "Two areas of concern have this title: change one of them")
        titles.add(title)


def redirect_to_start(reason):
    return HttpResponseRedirect(reverse("findings:import_start") + f"?draft={reason}")


def iso_date(value):
    from datetime import date

    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


# The error summary ------------------------------------------------------------------------


def field_anchor(field):
    """Where an error summary link for ``field`` points: the control that takes focus."""
    from django.forms import CheckboxSelectMultiple, MultiWidget, RadioSelect

    widget = field.field.widget
    if isinstance(widget, MultiWidget):
        return f"{field.auto_id}_0"
    if isinstance(widget, RadioSelect | CheckboxSelectMultiple):
        return f"id_{field.html_name}_1"
    return field.auto_id


def error_links(form, formsets):
    """Every error on the page, top to bottom, each linking to its field."""
    links = []

    def add(one):
        fields = list(one.visible_fields())
        for error in one.non_field_errors():
            links.append({"href": f"#{field_anchor(fields[0])}" if fields else "#", "text": error})
        for field in fields:
            for error in field.errors:
                links.append({"href": f"#{field_anchor(field)}", "text": error})

    if form.is_bound:
        add(form)
    for formset in formsets:
        if not formset.is_bound:
            continue
        for error in formset.non_form_errors():
            links.append({"href": f"#{formset.prefix}", "text": error})
        label = ROW_LABELS.get(formset.prefix, "Row")
        for place, row in enumerate(formset.forms, start=1):
            before = len(links)
            add(row)
            for link in links[before:]:
                link["text"] = f"{label} {place}: {link['text']}"
    return links
