"""Authorities, their inspections and judgements, the visits that follow, and the
areas of concern those visits revisit."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accounts.roles import VIEW_INTERNAL


class VisibleQuerySet(models.QuerySet):
    """Records anyone may list, narrowed to what the person asking may see.

    ``published`` is the condition for a record scrutiny members may read (a
    published letter or report, or something hanging off one). The one place list
    pages, detail pages and related lists filter unpublished records out, so it
    says the same as ``visible_to_scrutiny`` on the instances.
    """

    published = Q()

    def visible_to(self, user):
        if user is not None and user.is_authenticated and user.has_perm(VIEW_INTERNAL):
            return self
        return self.filter(self.published)


class InspectionQuerySet(VisibleQuerySet):
    published = Q(published_on__isnull=False)


class JudgementQuerySet(VisibleQuerySet):
    published = Q(inspection__published_on__isnull=False)


class AreaOfConcernQuerySet(VisibleQuerySet):
    published = Q(identified_at__published_on__isnull=False)


class VisitQuerySet(VisibleQuerySet):
    published = Q(is_published=True)


class VisitAreaQuerySet(VisibleQuerySet):
    published = Q(visit__is_published=True)


class LocalAuthority(models.Model):
    name = models.CharField(max_length=150, unique=True)
    ofsted_code = models.CharField(
        "Ofsted local authority code", max_length=10, blank=True, help_text="For example 878."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self):
        return self.name


class Grade(models.TextChoices):
    """Ofsted's four-point scale."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


class InspectionKind(models.TextChoices):
    ILACS_STANDARD = "ilacs_standard", "ILACS standard inspection"
    ILACS_SHORT = "ilacs_short", "ILACS short inspection"
    SIF = "sif", "Single inspection framework (SIF)"
    CHILD_PROTECTION = "child_protection", "Child protection arrangements (before 2013)"
    JTAI = "jtai", "Joint targeted area inspection (JTAI)"
    SEND = "send_local_area", "SEND local area inspection"


class Inspection(models.Model):
    Kind = InspectionKind

    authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    published_on = models.DateField("publication date", null=True, blank=True)
    report_url = models.URLField("report link", blank=True)
    lead_inspector = models.CharField(max_length=150, blank=True)
    notes = models.TextField(blank=True, max_length=5000)

    history = HistoricalRecords()

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        permissions = [("view_internal", "Can see unpublished letters and internal records")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="inspection_ends_after_start",
                violation_error_message="The inspection cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True) | Q(published_on__gte=F("start_date")),
                name="inspection_published_after_start",
                violation_error_message="The report cannot be published before the inspection.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in InspectionKind]),
                name="inspection_kind_known",
                violation_error_message="Choose a kind of inspection from the list.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.start_date:%B %Y}"

    def get_absolute_url(self):
        return reverse("inspections:inspection_detail", args=[self.pk])

    @property
    def visible_to_scrutiny(self):
        return self.published_on is not None

    @property
    def overall_effectiveness(self):
        judgement = self.overall_judgement
        return judgement.grade if judgement else None

    @property
    def overall_judgement(self):
        """The overall effectiveness judgement, if any (prefetch ``judgements`` in lists)."""
        return next((j for j in self.judgements.all() if j.area == Judgement.Area.OVERALL), None)


class JudgementArea(models.TextChoices):
    OVERALL = "overall", "Overall effectiveness"
    LEADERS = "leaders", "Impact of leaders on social work practice with children and families"
    HELP_AND_PROTECTION = (
        "help_and_protection",
        "Experiences and progress of children who need help and protection",
    )
    CHILDREN_IN_CARE = "children_in_care", "Experiences and progress of children in care"
    CARE_LEAVERS = "care_leavers", "Experiences and progress of care leavers"
    IN_CARE_AND_LEAVERS = (
        "in_care_and_care_leavers",
        "Experiences and progress of children in care and care leavers",
    )
    # Areas judged under the single inspection framework (2013 to 2018).
    LOOKED_AFTER = "looked_after", "Children looked after and achieving permanence"
    ADOPTION = "adoption", "Adoption performance"
    LEAVING_CARE = "leaving_care", "Experiences and progress of care leavers (SIF)"
    LEADERSHIP = "leadership", "Leadership, management and governance"


class Judgement(models.Model):
    Area = JudgementArea

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgements")
    area = models.CharField(max_length=40, choices=Area.choices)
    grade = models.CharField(max_length=30, choices=Grade.choices)

    history = HistoricalRecords()

    objects = JudgementQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "area"],
                name="one_judgement_per_area_per_inspection",
                violation_error_message="This inspection already has a judgement for that area.",
            ),
            models.CheckConstraint(
                condition=Q(grade__in=[g.value for g in Grade]),
                name="judgement_grade_on_scale",
                violation_error_message="Choose a grade on Ofsted's four-point scale.",
            ),
            models.CheckConstraint(
                condition=Q(area__in=[a.value for a in JudgementArea]),
                name="judgement_area_known",
                violation_error_message="Choose a judgement area from the list.",
            ),
        ]

    def __str__(self):
        return f"{self.get_area_display()}: {self.get_grade_display()}"

    def get_absolute_url(self):
        return reverse("inspections:inspection_detail", args=[self.inspection_id])

    @property
    def visible_to_scrutiny(self):
        return self.inspection.visible_to_scrutiny


class AreaOfConcern(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    identified_at = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="areas_of_concern"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    history = HistoricalRecords()

    objects = AreaOfConcernQuerySet.as_manager()

    class Meta:
        ordering = ["identified_at", "id"]
        verbose_name_plural = "areas of concern"
        constraints = [
            models.UniqueConstraint(
                fields=["identified_at", "title"],
                name="area_title_unique_per_inspection",
                violation_error_message="This inspection already has an area with that title.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "closed"]),
                name="area_status_known",
                violation_error_message="An area of concern is open or closed.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        # The area's page lives in the findings layer (it shows ratings and
        # findings); a URL name keeps this layer from importing it.
        return reverse("findings:area_detail", args=[self.pk])

    @property
    def authority(self):
        return self.identified_at.authority

    @property
    def visible_to_scrutiny(self):
        # An area found at an inspection whose report is not out yet is internal.
        return self.identified_at.visible_to_scrutiny


class VisitKind(models.TextChoices):
    MONITORING = "monitoring", "Monitoring visit"
    FOCUSED = "focused", "Focused visit"
    ACTION_PLANNING = "action_planning", "Action planning visit"


class Visit(models.Model):
    Kind = VisitKind

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="visits")
    follows = models.ForeignKey(
        Inspection,
        on_delete=models.PROTECT,
        related_name="visits",
        null=True,
        blank=True,
        help_text="The inspection this visit follows up, usually the inadequate one.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Its number in the series: 7 for the seventh monitoring visit.",
    )
    start_date = models.DateField()
    end_date = models.DateField()
    letter_date = models.DateField(null=True, blank=True)
    is_published = models.BooleanField("letter published", default=False)
    published_on = models.DateField("publication date", null=True, blank=True)
    inspectors = models.TextField(blank=True, max_length=1000, help_text="One inspector a line.")
    # A whole letter, with room to spare: a monitoring visit letter runs to about
    # 10,000 characters.
    letter_text = models.TextField(blank=True, max_length=100000)
    notes = models.TextField(blank=True, max_length=5000)
    areas_covered = models.ManyToManyField(
        AreaOfConcern, through="VisitArea", related_name="visits", blank=True
    )

    history = HistoricalRecords()

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="visit_ends_after_start",
                violation_error_message="The visit cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(letter_date__isnull=True) | Q(letter_date__gte=F("start_date")),
                name="visit_letter_after_start",
                violation_error_message="The letter cannot be dated before the visit started.",
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True) | Q(is_published=True),
                name="visit_publication_date_only_when_published",
                violation_error_message="Only a published letter has a publication date.",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1),
                name="visit_number_positive",
                violation_error_message="A visit's number in the series starts at 1.",
            ),
            models.UniqueConstraint(
                fields=["follows", "kind", "number"],
                condition=Q(number__isnull=False),
                name="visit_number_unique_per_inspection",
                violation_error_message="That inspection already has a visit with this number.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in VisitKind]),
                name="visit_kind_known",
                violation_error_message="Choose a kind of visit from the list.",
            ),
        ]

    def __str__(self):
        if self.number:
            return f"{self.get_kind_display()} {self.number}, {self.date_range}"
        return f"{self.get_kind_display()}, {self.date_range}"

    def get_absolute_url(self):
        # The visit's page lives in the findings layer (it shows findings and
        # ratings); a URL name keeps this layer from importing it.
        return reverse("findings:visit_detail", args=[self.pk])

    @property
    def date_range(self):
        """5 and 6 March 2024; 30 November and 1 December 2022; 5 March 2024."""
        start, end = self.start_date, self.end_date
        if start == end:
            return f"{end.day} {end:%B %Y}"
        if (start.year, start.month) == (end.year, end.month):
            return (
                f"{start.day} and {end.day} {end:%B %Y}"
                if (end - start).days == 1
                else f"{start.day} to {end.day} {end:%B %Y}"
            )
        if start.year == end.year:
            return f"{start.day} {start:%B} to {end.day} {end:%B %Y}"
        return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"

    @property
    def inspector_names(self):
        return [line.strip() for line in self.inspectors.splitlines() if line.strip()]

    @property
    def visible_to_scrutiny(self):
        return self.is_published

    def ordered_areas(self):
        return [link.area for link in self.area_links.select_related("area").order_by("position")]


class VisitArea(models.Model):
    """An area of concern a visit covered, in the order the letter gives them."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="area_links")
    area = models.ForeignKey(AreaOfConcern, on_delete=models.CASCADE, related_name="visit_links")
    position = models.PositiveSmallIntegerField()

    history = HistoricalRecords()

    objects = VisitAreaQuerySet.as_manager()

    class Meta:
        ordering = ["visit", "position"]
        verbose_name = "area covered by a visit"
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "area"],
                name="visit_covers_area_once",
                violation_error_message="The visit already covers this area.",
            ),
            models.UniqueConstraint(
                fields=["visit", "position"],
                name="visit_area_position_unique",
                violation_error_message="Another area already has this place in the letter.",
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.area}"

    def get_absolute_url(self):
        return reverse("findings:visit_detail", args=[self.visit_id])

    @property
    def visible_to_scrutiny(self):
        return self.visit.visible_to_scrutiny
