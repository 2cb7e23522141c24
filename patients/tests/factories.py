from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from clinic.tests.factories import ClinicFactory, StaffFactory
from patients.models import Patient, RedFlagReport, WalkLog


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    clinic = factory.SubFactory(ClinicFactory)
    primary_therapist = factory.SubFactory(StaffFactory, clinic=factory.SelfAttribute("..clinic"))
    full_name = factory.Sequence(lambda n: f"Patient {n}")
    date_of_birth = "1950-01-01"


class WalkLogFactory(factory.django.DjangoModelFactory):
    """A walk logged by the patient on the form, within the +2 target."""

    class Meta:
        model = WalkLog

    patient = factory.SubFactory(PatientFactory)
    date = factory.LazyFunction(lambda: timezone.now().date() - timedelta(days=1))
    minutes = Decimal("8.0")
    rests = 1
    pain_before = 2
    pain_peak = 4
    pain_after = 2
    source = WalkLog.Source.FORM
    created_by = factory.LazyAttribute(lambda o: o.patient.user or o.patient.primary_therapist)


class RedFlagReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RedFlagReport

    patient = factory.SubFactory(PatientFactory)
    signs = factory.LazyFunction(lambda: [RedFlagReport.Sign.SADDLE])
    reported_by = factory.LazyAttribute(lambda o: o.patient.user or o.patient.primary_therapist)
