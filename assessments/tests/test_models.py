"""The models' small properties: the clinic settings a cart test is read with, heights."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments.models import AssessmentSettings, ShoppingCartTest
from assessments.tests.factories import ShoppingCartTestFactory


def _cart(**fields) -> ShoppingCartTest:
    # Not saved: the properties read fields only (and the clinic's settings).
    return ShoppingCartTestFactory.build(**fields)


@pytest.mark.parametrize(
    ("support", "height", "unit", "short"),
    [
        pytest.param("cart", "160", "cm", True, id="cart-160cm-under-5ft4"),
        pytest.param("walker", "160", "cm", False, id="defect-walker-160cm-over-5ft2"),
        pytest.param("walker", "157", "cm", True, id="walker-157cm-under-5ft2"),
        pytest.param("cart", "162.6", "cm", False, id="cart-162.6cm-is-5ft4"),
        pytest.param("cart", "64", "in", False, id="cart-exactly-64in"),
        pytest.param("walker", "61.5", "in", True, id="walker-61.5in"),
        pytest.param("cart", None, "cm", False, id="height-not-recorded"),
    ],
)
def test_the_height_warning_follows_the_support_used(patient, support, height, unit, short):
    test = _cart(
        patient=patient,
        support=support,
        patient_height=None if height is None else Decimal(height),
        height_unit=unit,
    )
    assert test.short_for_standard_handle is short
    assert test.interpretation.short_for_support is (None if height is None else short)


def test_a_clinic_without_settings_reads_cart_tests_with_the_published_values(patient):
    outcome = _cart(
        patient=patient, without_walk_s=100, with_walk_s=176, with_onset_s=None
    ).interpretation

    assert (outcome.strong, outcome.strong_pct, outcome.height_cutoff_in) == (True, 75, 64)


def test_a_cart_test_is_read_with_its_clinics_settings(patient, clinic):
    AssessmentSettings.objects.create(
        clinic=clinic, cart_strong_pct=90, cart_min_height_in=60, walker_min_height_in=58
    )
    test = ShoppingCartTestFactory(
        patient=patient,
        without_walk_s=100,
        with_walk_s=180,
        with_onset_s=None,
        support="walker",
        patient_height=Decimal("59"),
        height_unit="in",
    )
    fresh = ShoppingCartTest.objects.select_related("patient__clinic__assessment_settings").get(
        pk=test.pk
    )

    outcome = fresh.interpretation
    assert (outcome.strong, outcome.strong_pct) == (False, 90)
    assert (outcome.height_cutoff_in, outcome.short_for_support) == (58, False)


def test_the_settings_default_to_the_published_cart_values(clinic):
    defaults = AssessmentSettings(clinic=clinic)

    assert defaults.cart_thresholds() == {
        "strong_pct": 75,
        "cart_min_height_in": 64,
        "walker_min_height_in": 62,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cart_strong_pct", 49),
        ("cart_strong_pct", 201),
        ("cart_min_height_in", 47),
        ("cart_min_height_in", 79),
        ("walker_min_height_in", 47),
        ("walker_min_height_in", 79),
    ],
)
def test_the_settings_refuse_cart_values_out_of_bounds(clinic, field, value):
    settings = AssessmentSettings(clinic=clinic, **{field: value})
    with pytest.raises(ValidationError):
        settings.full_clean()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cart_strong_pct", 50),
        ("cart_strong_pct", 200),
        ("cart_min_height_in", 48),
        ("walker_min_height_in", 78),
    ],
)
def test_the_settings_accept_cart_values_at_their_bounds(clinic, field, value):
    AssessmentSettings(clinic=clinic, **{field: value}).full_clean()
