"""Load the demo clinic and its accounts. Safe to run twice: nothing is duplicated.

Prints one line per login in the form tools read:
    demo-login: <role> <email> <password>[ totp-secret=<base32>]
"""

import importlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinic.adapters import DEMO_EMAIL_DOMAIN
from clinic.models import Clinic, Role, User
from patients.models import Patient

# Apps that add demo content after the accounts exist, in dependency order. Each may have a
# `demo.py` with `seed(*, clinic, staff, patients)` that is itself safe to run twice.
DEMO_APPS = ("patients", "assessments", "programs")

DEMO_PASSWORD = "stride-demo-2026"  # noqa: S105 (the demo's published sign-in, printed by seed_demo)
DEMO_CLINIC = "Riverside Spine & Walking Clinic"

# Fixed secrets so the printed logins stay valid across runs (demo only: DEBUG is on).
STAFF = [
    ("admin", "admin@" + DEMO_EMAIL_DOMAIN, "Alex Admin", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
    (
        "therapist",
        "therapist@" + DEMO_EMAIL_DOMAIN,
        "Tara Therapist",
        "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA",
    ),
    (
        "therapist",
        "therapist2@" + DEMO_EMAIL_DOMAIN,
        "Theo Therapist",
        "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U",
    ),
]

PATIENTS = [
    # email (None: paper diary), name, therapist index, stenosis type, side, date of birth
    ("patient@" + DEMO_EMAIL_DOMAIN, "Pat Patient", 1, "central", "both", "1951-03-14"),
    ("margaret@" + DEMO_EMAIL_DOMAIN, "Margaret Hill", 1, "foraminal", "left", "1948-07-02"),
    ("george@" + DEMO_EMAIL_DOMAIN, "George Okafor", 1, "central", "both", "1955-11-20"),
    ("rosa@" + DEMO_EMAIL_DOMAIN, "Rosa Lindqvist", 2, "both", "right", "1949-01-30"),
    ("henry@" + DEMO_EMAIL_DOMAIN, "Henry Baptiste", 2, "central", "both", "1958-05-09"),
    ("june@" + DEMO_EMAIL_DOMAIN, "June Tanaka", 2, "foraminal", "right", "1953-09-17"),
    ("walter@" + DEMO_EMAIL_DOMAIN, "Walter Novak", 1, "unknown", "left", "1946-12-24"),
    (None, "Edith Brown", 2, "central", "both", "1944-04-11"),
]


class Command(BaseCommand):
    help = "Create the demo clinic, staff with MFA, and patients. DEBUG only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: demo passwords are public.")
        with transaction.atomic():
            clinic, lines = self._seed()
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"Demo clinic ready: {clinic.name}")

    def _seed(self):
        clinic, _ = Clinic.objects.get_or_create(
            name=DEMO_CLINIC,
            defaults={
                "phone": "+1 555 0100 200",
                "timezone": "America/New_York",
                "distance_unit": Clinic.DistanceUnit.MI,
                "urgent_contact_text": (
                    "Out of hours, call the on-call physiotherapist on +1 555 0100 299."
                ),
            },
        )
        lines = []
        staff = []
        patients = []
        for role, email, name, secret in STAFF:
            user = self._user(clinic, role, email, name)
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, secret)
                RecoveryCodes.activate(user)
            staff.append(user)
            lines.append(f"demo-login: {role} {email} {DEMO_PASSWORD} totp-secret={secret}")
        for email, name, therapist_index, stenosis, side, born in PATIENTS:
            user = self._user(clinic, Role.PATIENT, email, name) if email else None
            patient, _ = Patient.objects.update_or_create(
                clinic=clinic,
                full_name=name,
                defaults={
                    "user": user,
                    "primary_therapist": staff[therapist_index],
                    "stenosis_type": stenosis,
                    "affected_side": side,
                    "date_of_birth": born,
                    "referring_physician": "Dr. Imani Reyes",
                },
            )
            patients.append(patient)
            if email:
                lines.append(f"demo-login: patient {email} {DEMO_PASSWORD}")
        for app in DEMO_APPS:
            try:
                demo = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as missing:
                if missing.name != f"{app}.demo":
                    raise
                continue
            demo.seed(clinic=clinic, staff=staff, patients=patients)
        return clinic, lines

    def _user(self, clinic, role, email, name):
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, full_name=name, role=role, clinic=clinic
            )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user
