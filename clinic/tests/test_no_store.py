"""Pages for a signed-in person are never stored by the browser or a proxy (#16, point 5):
the back button on a shared clinic computer must not show patient data after sign-out."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("patient_user", "dashboard:today"),
        ("therapist", "dashboard:caseload"),
        ("admin_user", "dashboard:accounts"),
        ("patient_user", "patients:export-csv"),
    ],
)
def test_every_signed_in_response_says_no_store(request, client_for, patient, who, url):
    response = client_for(request.getfixturevalue(who)).get(reverse(url))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_signed_in_404_is_not_stored_either(client_for, therapist):
    response = client_for(therapist).get("/patients/999999/")

    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]
