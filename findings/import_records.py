"""Saving a reviewed import: the visit (or inspection), its areas, findings and
judgements, and the original document, in one transaction, every row named.

A document imported again is an update, never a duplicate. It is recognised by
its fingerprint (the same file or text) or by what it describes (the same
authority, kind of visit and start date; for a report, the same authority and
start date). An update:

- sets the visit's or inspection's fields to the reviewed ones;
- sets the areas a visit covered to the reviewed list, in its order;
- reconciles findings as the review chose for each paragraph: the same as a finding
  already recorded updates that finding in place (so the actions answering it stay
  linked to it), a new one is added after the existing ones, and one left out is
  not saved. Findings the import does not mention are left alone: they may have
  been added by hand or answered by actions;
- grades the judgements the review grades and leaves the others;
- adds the improvements as areas of concern, updating one already there by title.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from accounts.audit import delete_as, save_as
from config.words import count_of
from inspections.models import AreaOfConcern, Inspection, Judgement, Visit, VisitArea

from .import_forms import AREA_ROW, EXISTING_AREA, LEAVE_OUT, NEW_AREA, SAME_FINDING
from .importing import first_sentence
from .models import Finding, ImportedDocument


def document_imported_before(draft):
    """The earlier import of this very document (the same fingerprint), if any."""
    return (
        ImportedDocument.objects.filter(sha256=draft.sha256)
        .select_related("visit", "inspection", "authority")
        .first()
    )


def existing_visit(draft, kind, start_date):
    described = {"kind": kind, "start_date": start_date} if kind and start_date else None
    return _existing(draft, "visit", Visit.objects, described)


def existing_inspection(draft, start_date):
    described = {"start_date": start_date} if start_date else None
    return _existing(draft, "inspection", Inspection.objects, described)


def _existing(draft, field, records, described):
    """The record (a visit or an inspection, ``field`` of ImportedDocument) this draft
    was imported as before, else the authority's record ``described`` by its fields."""
    document = document_imported_before(draft)
    if (
        document is not None
        and getattr(document, f"{field}_id")
        and document.authority_id == draft.authority_id
    ):
        return getattr(document, field)
    if described:
        return records.filter(authority_id=draft.authority_id, **described).order_by("pk").first()
    return None


def imported_elsewhere(draft):
    """The earlier import of this very document for another authority, if any: it
    cannot become a second record, and saying so beats a failed save."""
    document = document_imported_before(draft)
    if document is not None and document.authority_id != draft.authority_id:
        return document
    return None


# Letters --------------------------------------------------------------------------------


def save_letter(*, user, draft, form, area_rows, finding_rows, visit=None):
    """Save the reviewed letter; ``visit`` is the existing visit to update, if any.

    ``area_rows`` and ``finding_rows`` are the formsets' cleaned rows, in order.
    Returns the visit and what became of the findings, in words ("3 findings added,
    9 updated, 1 left out").
    """
    with transaction.atomic():
        visit = form.visit_with(visit or Visit(authority_id=draft.authority_id))
        visit.letter_text = draft.text
        save_as(visit, user)
        areas = [_area_for(row, visit, user) for row in area_rows]
        _set_areas_covered(visit, areas, user)
        by_key = {row["key"]: area for row, area in zip(area_rows, areas, strict=True)}
        tally = _merge_findings(visit, finding_rows, by_key, user)
        _keep_document(draft, user, visit=visit)
    return visit, tally


def _area_for(row, visit, user):
    if row["match"] == NEW_AREA:
        return save_as(AreaOfConcern(identified_at=visit.follows, title=row["title"]), user)
    return AreaOfConcern.objects.get(
        pk=int(row["match"]), identified_at__authority_id=visit.authority_id
    )


def _set_areas_covered(visit, areas, user):
    links = list(visit.area_links.order_by("position"))
    if [link.area_id for link in links] == [area.pk for area in areas]:
        return
    # Positions are unique per visit: clear the old order before writing the new.
    for link in links:
        delete_as(link, user)
    for position, area in enumerate(areas, start=1):
        save_as(VisitArea(visit=visit, area=area, position=position), user)


def finding_area(value, by_key, authority_id):
    """The area a finding row names: an area row's (by key), an existing one, or none."""
    if value.startswith(AREA_ROW):
        return by_key.get(value.removeprefix(AREA_ROW))
    if value.startswith(EXISTING_AREA):
        return AreaOfConcern.objects.filter(
            pk=int(value.removeprefix(EXISTING_AREA)), identified_at__authority_id=authority_id
        ).first()
    return None


def _merge_findings(visit, rows, by_key, user):
    recorded = {f"{SAME_FINDING}{finding.pk}": finding for finding in visit.findings.all()}
    last = dict(visit.findings.values_list("section").annotate(last=Max("position")).order_by())
    added = updated = unchanged = left_out = 0
    for row in rows:
        if row["match"] == LEAVE_OUT:
            left_out += 1
            continue
        text = row["text"].strip()
        finding = recorded.pop(row["match"], None)
        if finding is None:
            position = last.get(row["section"], 0) + 1
            last[row["section"]] = position
            finding = Finding(visit=visit, position=position)
        values = {
            "kind": row["kind"],
            "section": row["section"],
            "area": finding_area(row["area"], by_key, visit.authority_id),
            "summary": row["summary"].strip() or first_sentence(text),
            "evidence": text,
        }
        if finding.pk and all(getattr(finding, name) == value for name, value in values.items()):
            unchanged += 1
            continue
        if finding.pk:
            updated += 1
        else:
            added += 1
        for name, value in values.items():
            setattr(finding, name, value)
        save_as(finding, user)
    return tally(added, updated, unchanged, left_out)


def tally(added, updated, unchanged, left_out):
    said = [f"{count_of(added, 'finding')} added", f"{updated:,} updated"]
    if unchanged:
        said.append(f"{unchanged:,} unchanged")
    said.append(f"{left_out:,} left out")
    return ", ".join(said)


# Reports --------------------------------------------------------------------------------


def save_report(*, user, draft, form, improvement_rows, inspection=None):
    """Save the reviewed report; ``inspection`` is the existing one to update, if any."""
    with transaction.atomic():
        inspection = form.inspection_with(inspection or Inspection(authority_id=draft.authority_id))
        save_as(inspection, user)
        judgements = {judgement.area: judgement for judgement in inspection.judgements.all()}
        for area, grade in form.grades().items():
            judgement = judgements.get(area) or Judgement(inspection=inspection, area=area)
            if judgement.grade != grade:
                judgement.grade = grade
                save_as(judgement, user)
        areas = {area.title: area for area in inspection.areas_of_concern.all()}
        for row in improvement_rows:
            area = areas.get(row["title"]) or AreaOfConcern(
                identified_at=inspection, title=row["title"]
            )
            if area.pk is None or area.description != row["description"]:
                area.description = row["description"]
                save_as(area, user)
        _keep_document(draft, user, inspection=inspection)
    return inspection


# The document ---------------------------------------------------------------------------


def _keep_document(draft, user, visit=None, inspection=None):
    """The original document, once: a document imported before is already kept."""
    if ImportedDocument.objects.filter(sha256=draft.sha256).exists():
        return None
    document = ImportedDocument(
        kind=ImportedDocument.Kind.LETTER if visit else ImportedDocument.Kind.REPORT,
        authority_id=draft.authority_id,
        visit=visit,
        inspection=inspection,
        text=draft.text,
        sha256=draft.sha256,
        original_name=draft.original_name[:255],
        imported_by=user,
    )
    data = draft.read_file()
    if data is not None:
        document.file.save(draft.original_name or "document", ContentFile(data), save=False)
    try:
        save_as(document, user)
    except Exception:
        # The file is written at once, the row only when the transaction commits.
        if document.file:
            document.file.delete(save=False)
        raise
    return document
