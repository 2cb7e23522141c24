"""Back-or-leg guidance and the spreading order (docs/clinical-rules.md §1b): pure tables."""

import pytest

from patients import guidance
from patients.guidance import BACK, FURTHER, LEG


@pytest.mark.parametrize(
    ("areas", "further", "expected"),
    [
        (None, False, [LEG, BACK]),  # not known: both
        ([], False, [LEG, BACK]),  # nothing ticked: not known either
        (["back"], False, [BACK]),
        (["buttock_left"], False, [LEG]),
        (["thigh_right"], False, [LEG]),
        (["calf_left", "calf_right"], False, [LEG]),
        (["back", "thigh_left"], False, [LEG, BACK]),
        (["calf_left"], True, [FURTHER, LEG]),
        (["back", "calf_left"], True, [FURTHER, LEG, BACK]),
        (["not-an-area"], False, [LEG, BACK]),  # unknown codes tell nothing
    ],
)
def test_it_picks_the_guidance_for_where_the_symptoms_were(areas, further, expected):
    assert [g.key for g in guidance.guidance_for(areas, further=further)] == expected


def test_each_kind_has_a_heading_and_plain_advice():
    leg, back, further = (guidance.GUIDANCE[k] for k in (LEG, BACK, FURTHER))
    assert "bend forward" in leg.text and "Tingling is allowed" in leg.text
    assert "shorter steps" in back.text and "knees to chest" in back.text
    assert "Stop this walk" in further.text and "note it on the log" in further.text


@pytest.mark.parametrize(
    ("areas", "rank"),
    [
        ([], 0),
        (["back"], 0),
        (["buttock_right"], 1),
        (["thigh_left", "back"], 2),
        (["buttock_left", "calf_right"], 3),
        (["unknown"], 0),
    ],
)
def test_the_lowest_region_reached_follows_back_buttock_thigh_calf(areas, rank):
    assert guidance.lowest_rank(areas) == rank


@pytest.mark.parametrize(
    ("first_week", "later", "spreading"),
    [
        ([["thigh_left"]], [["calf_left"]], True),
        ([["thigh_left"]], [["thigh_right"]], False),  # the same level on the other side
        ([["calf_left"]], [["back"], ["thigh_left"]], False),
        ([["back"]], [["buttock_left"]], True),
        ([[]], [["buttock_left"]], True),  # no symptoms in week 1, buttock later
        ([[]], [["back"]], False),  # the back is never "down the leg"
        ([], [["calf_left"]], False),  # no first-week logs: nothing to compare with
    ],
)
def test_a_week_spreads_when_it_reaches_further_down_than_week_one(first_week, later, spreading):
    assert guidance.spreads(first_week, later) is spreading
