"""Bad input, as tests: the JSON endpoints (the walk timer's upload), sent what hypothesis
makes of a good upload: values of the wrong type, huge and negative numbers, NaN, missing and
duplicated keys, bodies that are not JSON at all.

An upload is saved (201) or refused with reasons (400); a refusal changes nothing, and a saved
walk passes its model's validation.
"""

import json
import time

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.properties import (
    PROPERTY_SETTINGS,
    changed_rows,
    hostile_text,
    invalid_rows,
    isolated,
    snapshot,
)

SAVE = reverse("patients:walk-timer-save")

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def good_upload() -> dict:
    return {
        "client_id": "3f1c2a9e-7b7d-4d6e-9a53-0c1f5e8b2d11",
        "started_at": int(time.time() * 1000) - 15 * 60 * 1000,
        "pain_before": 2,
        "pain_after": 3,
        "bouts": [
            {"walked_s": 300, "rested_s": 90, "peak_pain": 4},
            {"walked_s": 240, "rested_s": 0, "peak_pain": 5},
        ],
        "support": "poles",
        "terrain": "flat",
        "glides_before": True,
        "glides_after": False,
        "symptom_areas": [],
        "red_flags": [],
        "no_red_flags": True,
    }


KEYS = sorted(good_upload())
BOUT_KEYS = ["walked_s", "rested_s", "peak_pain"]


@st.composite
def spoilt_upload(draw) -> str | bytes:
    """A good upload with up to four things wrong with it, as the request body."""
    payload = good_upload()
    duplicate = None
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from(KEYS))
        how = draw(st.sampled_from(["value", "value", "drop", "bout", "duplicate", "extra"]))
        if how == "value":
            payload[key] = draw(json_values)
        elif how == "drop":
            payload.pop(key, None)
        elif how == "bout" and isinstance(payload.get("bouts"), list) and payload["bouts"]:
            bout = dict(payload["bouts"][0])
            bout[draw(st.sampled_from(BOUT_KEYS))] = draw(json_values)
            payload["bouts"] = [bout] * draw(st.sampled_from([1, 2, 50, 51]))
        elif how == "duplicate":
            duplicate = (key, draw(json_values))
        else:
            payload[draw(st.text(max_size=10))] = draw(json_values)
    body = json.dumps(payload)  # NaN and Infinity go out as JavaScript would never send them
    if duplicate:
        body = body[:-1] + f", {json.dumps(duplicate[0])}: {json.dumps(duplicate[1])}}}"
    shape = draw(st.integers(0, 5))
    if shape <= 2:
        return body
    if shape == 3:
        return body[: draw(st.integers(0, len(body)))]  # cut off mid-upload
    if shape == 4:
        return json.dumps(draw(json_values))  # not an object at all
    return draw(st.binary(max_size=64))  # not even text


def test_a_spoilt_walk_timer_upload_is_saved_valid_or_refused_changing_nothing(patient, client_for):
    client = client_for(patient.user)
    before = snapshot()

    @PROPERTY_SETTINGS
    @given(body=spoilt_upload())
    def example(body):
        with isolated():
            response = client.post(SAVE, body, content_type="application/json")
            assert response.status_code in (200, 201, 400), (response.status_code, body)
            answer = response.json()
            if response.status_code == 400:
                assert answer["errors"] and all(isinstance(e, str) for e in answer["errors"])
                changed = {o._meta.label for o, _ in changed_rows(before)}
                assert changed <= {"clinic.AuditEvent"}, (changed, body)
            else:
                assert set(answer) == {"id", "created", "url"}
                assert invalid_rows(before) == [], body

    example()
