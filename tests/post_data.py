"""POST data built from a model instance, as a browser would send it.

``form_data`` fills in one of the app's forms (GOV.UK day/month/year boxes for
dates); ``admin_data`` fills in a Django admin add or change page (dates typed as
dd/mm/yyyy, date-times split into date and time, an empty management form for
each inline). Both read the values from an instance, so a test builds or changes
an instance and sends it: the data cannot drift from the models.
"""

import datetime

from django.contrib import admin
from django.db import models
from django.forms.models import _get_foreign_key, model_to_dict
from django.utils import timezone


def _pk(value):
    return value.pk if isinstance(value, models.Model) else value


def _encode(name, value, encode_date):
    if value is None or value is False:
        # What a browser sends for an empty box or an unticked checkbox: nothing.
        return {}
    if value is True:
        return {name: "on"}
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value)
        return {f"{name}_0": local.strftime("%d/%m/%Y"), f"{name}_1": local.strftime("%H:%M:%S")}
    if isinstance(value, datetime.date):
        return encode_date(name, value)
    if isinstance(value, list | tuple | set | models.QuerySet):
        return {name: [str(_pk(item)) for item in value]}
    if isinstance(value, models.fields.files.FieldFile):
        return {}  # files travel in request.FILES, not in the form data
    return {name: str(_pk(value))}


def _govuk_date(name, value):
    # crispy-forms-gds' DateInputWidget is a MultiWidget of three boxes, named by
    # index: day, month, year.
    return {
        f"{name}_0": str(value.day),
        f"{name}_1": str(value.month),
        f"{name}_2": str(value.year),
    }


def _typed_date(name, value):
    return {name: value.strftime("%d/%m/%Y")}


def form_data(form_class, instance, **overrides):
    """What the app's form for ``instance`` posts, with ``overrides`` typed in."""
    values = model_to_dict(instance, fields=form_class._meta.fields)
    values.update(overrides)
    data = {}
    for name, value in values.items():
        data.update(_encode(name, value, _govuk_date))
    return data


def admin_data(instance, **overrides):
    """What the admin's add or change page for ``instance`` posts.

    Inlines are sent empty, so ``instance`` should have no inline children yet.
    """
    model = type(instance)
    values = model_to_dict(instance)
    values.update(overrides)
    data = {}
    for name, value in values.items():
        data.update(_encode(name, value, _typed_date))
    for inline in admin.site._registry[model].inlines:
        fk = _get_foreign_key(model, inline.model, fk_name=inline.fk_name)
        prefix = fk.remote_field.get_accessor_name(model=inline.model).replace("+", "")
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data
