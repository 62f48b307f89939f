"""Entering or correcting one month's figures for many measures at once: the
improvement team for every measure, an officer for the measures they supply.

Everything a page posts is saved in one transaction or not at all, each new,
changed or removed value with a history row naming the person. The month's
recorded values are locked while they are compared and saved, so two people
saving the same month one after the other each see what the other saved.
"""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView

from accounts.access import may
from accounts.audit import delete_as
from accounts.mixins import PageTitleMixin, PermissionMixin
from config.words import count_of

from .entry_forms import (
    FiguresForm,
    MonthChoiceForm,
    default_month,
    month_key,
    read_month,
)
from .figures import any_illustrative
from .figures_cells import month_label
from .figures_plan import CHANGED, NEW, plan_for
from .figures_save import save_plan
from .models import Measure, MeasureValue

# A page of measures at a time: five fields a measure keeps a page's form well
# inside DATA_UPLOAD_MAX_NUMBER_FIELDS, however many measures there are.
MEASURES_PER_PAGE = 50
ROW_FIELD = re.compile(r"^(?:value|england|neighbours|note|seen)_(\d+)$")


class FiguresEntryView(PermissionMixin, PageTitleMixin, TemplateView):
    model = MeasureValue
    permission_verb = "enter_figures"
    template_name = "measures/figures_entry.html"
    page_title = "Enter a month\u2019s figures"

    def measures(self):
        return Measure.objects.enterable_by(self.request.user).order_by("title")

    def page_of(self, number):
        return Paginator(self.measures(), MEASURES_PER_PAGE).get_page(number)

    def recorded(self, measures, period, lock=False):
        values = MeasureValue.objects.filter(measure__in=measures, period=period)
        if lock:
            values = values.select_for_update()
        return {value.measure_id: value for value in values}

    def get(self, request, *args, **kwargs):
        given = request.GET.get("month")
        period, problem = read_month(given) if given else (default_month(), None)
        page = self.page_of(request.GET.get("page"))
        form = None
        if period is not None:
            form = FiguresForm(
                measures=page.object_list,
                recorded=self.recorded(page.object_list, period),
                period=period,
            )
        return self.show(form, page, period, problem)

    def post(self, request, *args, **kwargs):
        self.refuse_measures_not_supplied(request.POST)
        period, problem = read_month(request.POST.get("month", ""))
        page = self.page_of(request.POST.get("page"))
        if period is None:
            return self.show(None, page, None, problem)
        measures = list(page.object_list)
        with transaction.atomic():
            form = FiguresForm(
                request.POST,
                measures=measures,
                recorded=self.recorded(measures, period, lock=True),
                period=period,
            )
            if form.is_valid():
                try:
                    saved = self.save(form)
                except IntegrityError:
                    # Someone added a value for one of these months after the page
                    # read them (a new row: there was nothing to lock).
                    saved = None
                if saved is not None:
                    messages.success(request, saved)
                    return HttpResponseRedirect(self.address(period, page.number))
                form = FiguresForm(
                    measures=measures, recorded=self.recorded(measures, period), period=period
                )
                form.saving_clashed = True
        return self.show(form, page, period, None)

    def refuse_measures_not_supplied(self, data):
        """A row for a measure the person does not supply is a write they may not make."""
        posted = {int(found[1]) for name in data if (found := ROW_FIELD.match(name))}
        if posted - set(self.measures().values_list("pk", flat=True)):
            raise PermissionDenied

    def save(self, form):
        """Save the form's figures and removals; what was done, in words."""
        user = self.request.user
        with transaction.atomic():
            plan = save_plan(plan_for(form.figures), user)
            for value in form.removed:
                delete_as(value, user)
        counts = plan.counts
        done = [
            f"{count_of(counts[NEW], 'figure')} added" if counts[NEW] else "",
            f"{count_of(counts[CHANGED], 'figure')} corrected" if counts[CHANGED] else "",
            f"{count_of(len(form.removed), 'figure')} removed" if form.removed else "",
        ]
        done = [words for words in done if words]
        month = month_label(form.period)
        if not done:
            return f"No figures were changed for {month}"
        return f"{month}: " + ", ".join(done)

    def address(self, period, page_number):
        query = {"month": month_key(period)}
        if page_number > 1:
            query["page"] = page_number
        return f"{reverse('measures:figures_entry')}?{urlencode(query)}"

    def show(self, form, page, period, month_problem):
        earliest = MeasureValue.objects.filter(measure__in=self.measures()).aggregate(
            earliest=Min("period")
        )["earliest"]
        chooser = MonthChoiceForm(
            initial={"month": month_key(period) if period else None}, earliest=earliest
        )
        error_list = []
        if month_problem:
            error_list.append({"text": month_problem, "href": "#id_month"})
        if form is not None:
            if getattr(form, "saving_clashed", False):
                error_list.append(
                    {
                        "text": "Someone else saved figures for this month at the same moment: "
                        "the figures now recorded are shown, so check them and save again",
                        "href": "#main-content",
                    }
                )
            error_list += form.error_list()
        context = self.get_context_data(
            form=form,
            chooser=chooser,
            month_problem=month_problem,
            # What the form posts back: the month it shows, however the page was asked for.
            month_value=month_key(period) if period else "",
            period=period,
            page_obj=page,
            is_paginated=page.paginator.num_pages > 1,
            error_list=error_list,
            page_has_errors=bool(error_list),
            illustrative=any_illustrative(page.object_list),
            may_view_measures=may(self.request.user, "view", Measure),
            measures_url=reverse("measures:measure_list"),
        )
        return self.render_to_response(context)
