"""Personas shared by every test: two clinics, the people in them, and a client per person.

home clinic:  admin, therapist, patient (with login), other_patient (same clinic),
              paper_patient (no login)
other clinic: other_therapist, other_clinic_patient
"""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client

from clinic.models import Role
from clinic.tests.factories import ClinicFactory, StaffFactory, UserFactory
from patients.tests.factories import PatientFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache; every test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Generated PDFs of a test go to its own folder (a live worker started later in the
    # test is given the same one).
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="Home Clinic", phone="+1 555 0100")


@pytest.fixture
def other_clinic(db):
    return ClinicFactory(name="Other Clinic", phone="+1 555 0199")


@pytest.fixture
def admin_user(clinic):
    return StaffFactory(clinic=clinic, role=Role.ADMIN, email="admin@home.example")


@pytest.fixture
def therapist(clinic):
    return StaffFactory(clinic=clinic, email="therapist@home.example", full_name="Tess Therapist")


@pytest.fixture
def other_therapist(other_clinic):
    return StaffFactory(clinic=other_clinic, email="therapist@other.example")


@pytest.fixture
def patient_user(clinic):
    return UserFactory(clinic=clinic, role=Role.PATIENT, email="patient@home.example")


@pytest.fixture
def patient(clinic, therapist, patient_user):
    return PatientFactory(
        clinic=clinic, primary_therapist=therapist, user=patient_user, full_name="Pat Patient"
    )


@pytest.fixture
def other_patient(clinic, therapist):
    user = UserFactory(clinic=clinic, role=Role.PATIENT, email="other@home.example")
    return PatientFactory(
        clinic=clinic, primary_therapist=therapist, user=user, full_name="Olive Other"
    )


@pytest.fixture
def paper_patient(clinic, therapist):
    return PatientFactory(clinic=clinic, primary_therapist=therapist, full_name="Paper Diary")


@pytest.fixture
def other_clinic_patient(other_clinic, other_therapist):
    user = UserFactory(clinic=other_clinic, role=Role.PATIENT, email="patient@other.example")
    return PatientFactory(
        clinic=other_clinic, primary_therapist=other_therapist, user=user, full_name="Far Away"
    )


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def client_for():
    """`client_for(user)` -> a test client signed in as that user (None: anonymous)."""
    return _client_for


@pytest.fixture
def world(
    clinic,
    other_clinic,
    admin_user,
    therapist,
    other_therapist,
    patient,
    other_patient,
    paper_patient,
    other_clinic_patient,
):
    """Every persona at once, for tests that walk many URLs."""
    return SimpleNamespace(
        clinic=clinic,
        other_clinic=other_clinic,
        admin=admin_user,
        therapist=therapist,
        other_therapist=other_therapist,
        patient=patient,
        other_patient=other_patient,
        paper_patient=paper_patient,
        other_clinic_patient=other_clinic_patient,
    )


@pytest.fixture
def live_worker(transactional_db, tmp_path, settings):
    """A real Celery worker on the Redis broker (REDIS_URL), started for this test.

    Tasks queued by the test process go to Redis and run in the worker subprocess against
    the test database; the worker's emails land in `live_worker.sent_emails()`.
    """
    from clinic.celery import app
    from tests.live_worker import LiveWorker, redis_url

    if not redis_url():
        pytest.skip("REDIS_URL is not set: task tests need a real Redis broker")
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=redis_url())
    app._pool = None  # producers were made for the old broker
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with app.connection_for_write() as conn:  # nothing left over from an earlier crash
        for queue in (settings.CELERY_TASK_DEFAULT_QUEUE, settings.PDF_QUEUE):
            conn.default_channel.queue_purge(queue)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = LiveWorker(mail_dir, tmp_path / "worker.log").start()
    try:
        yield worker
    finally:
        worker.stop()
        app.conf.update(saved)
        app._pool = None
