"""The template filters the assessment pages share."""

from decimal import Decimal

import pytest

from assessments.templatetags.assessment_tags import feet_inches, odi_band, odi_band_plain


@pytest.mark.parametrize(
    ("inches", "said"),
    [
        (64, "5 ft 4 in (162.6 cm)"),
        (62, "5 ft 2 in (157.5 cm)"),
        (Decimal("62.5"), "5 ft 2.5 in (158.8 cm)"),
        (72, "6 ft 0 in (182.9 cm)"),
        (None, ""),
    ],
)
def test_height_cut_offs_are_said_in_feet_and_inches_with_centimetres(inches, said):
    assert feet_inches(inches) == said


@pytest.mark.parametrize(
    ("index", "fairbank", "plain"),
    [
        (62.0, "crippled", "very severe"),
        (85.5, "bed-bound or exaggerating", "extreme"),
        (None, "", ""),
    ],
)
def test_odi_band_filters_say_the_band_for_their_audience(index, fairbank, plain):
    assert (odi_band(index), odi_band_plain(index)) == (fairbank, plain)
