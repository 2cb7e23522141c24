import pytest


@pytest.fixture
def patient_client(patient, client_for):
    """The patient with a login, signed in."""
    return client_for(patient.user)
