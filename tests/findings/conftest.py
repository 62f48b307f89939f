"""Fixtures of the importer's tests: an authority with the inspection its letters
follow and an area of concern already recorded, and a signed-in improvement team."""

import datetime

import pytest

from tests import factories


@pytest.fixture
def northshire(db):
    return factories.LocalAuthorityFactory(name="Northshire County Council", ofsted_code="999")


@pytest.fixture
def inadequate_inspection(northshire):
    return factories.InspectionFactory(
        authority=northshire,
        start_date=datetime.date(2022, 5, 9),
        end_date=datetime.date(2022, 5, 20),
        published_on=datetime.date(2022, 7, 1),
    )


@pytest.fixture
def enquiries_area(inadequate_inspection):
    return factories.AreaOfConcernFactory(
        identified_at=inadequate_inspection, title="Timeliness of child protection enquiries"
    )


@pytest.fixture
def oversight_area(inadequate_inspection):
    return factories.AreaOfConcernFactory(
        identified_at=inadequate_inspection, title="Management oversight of practice"
    )
