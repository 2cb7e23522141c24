import factory

from clinic.tests.factories import ClinicFactory, StaffFactory
from patients.models import Patient


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    clinic = factory.SubFactory(ClinicFactory)
    primary_therapist = factory.SubFactory(StaffFactory, clinic=factory.SelfAttribute("..clinic"))
    full_name = factory.Sequence(lambda n: f"Patient {n}")
    date_of_birth = "1950-01-01"
