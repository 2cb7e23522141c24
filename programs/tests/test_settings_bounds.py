"""A clinic's thresholds stay in their safe bounds whoever writes them (docs/clinical-rules.md
§7.7): the service refuses what the settings form would, and saves nothing."""

import pytest
from django.core.exceptions import ValidationError

from clinic.models import ClinicalSettings
from programs import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [("pain_rise_target", 8), ("severe_peak", 9), ("max_bout_growth_pct", 50)],
)
def test_a_threshold_outside_its_safe_bounds_is_refused(admin_user, field, value):
    with pytest.raises(ValidationError) as raised:
        services.program_settings_update(clinic=admin_user.clinic, by=admin_user, **{field: value})

    assert field in raised.value.message_dict
    assert not ClinicalSettings.objects.filter(clinic=admin_user.clinic).exists()


def test_a_threshold_inside_its_bounds_is_saved(admin_user):
    services.program_settings_update(clinic=admin_user.clinic, by=admin_user, pain_rise_target=3)

    assert ClinicalSettings.objects.get(clinic=admin_user.clinic).rules().pain_rise_target == 3
