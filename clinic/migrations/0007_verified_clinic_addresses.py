"""Each account keeps exactly the address its clinic gave it, verified and primary (#16).

Until now allauth's email page let any signed-in person add addresses without a password
or a check, and such an address signed in and received password-reset links. Sign-in now
takes verified addresses only (ACCOUNT_EMAIL_VERIFICATION = "mandatory"), so:

- every account that has set a password gets its User.email as a verified, primary row
  (accounts made before allauth kept rows, or by createsuperuser, had none);
- every other row goes: extra addresses added through the old page (verified or not; a
  stolen session could verify its own), and claims by one account on another account's
  address. The clinic's record, User.email, is the truth; a person who really uses another
  address asks again through the email page, which now needs the password and a check.

Accounts whose invitation is still open have no password yet; their row is made verified
when they accept (clinic.services.invitation_accept)."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import migrations


def verify_clinic_addresses(apps, schema_editor):
    User = apps.get_model("clinic", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.exclude(email="").only("pk", "email", "password").iterator():
        email = user.email.lower()
        EmailAddress.objects.filter(email__iexact=email).exclude(user_id=user.pk).delete()
        EmailAddress.objects.filter(user_id=user.pk).exclude(email__iexact=email).delete()
        if user.password.startswith(UNUSABLE_PASSWORD_PREFIX):
            EmailAddress.objects.filter(user_id=user.pk).delete()
            continue
        row = EmailAddress.objects.filter(user_id=user.pk).first()
        if row is None:
            EmailAddress.objects.create(user_id=user.pk, email=email, verified=True, primary=True)
        elif not (row.verified and row.primary and row.email == email):
            row.email, row.verified, row.primary = email, True, True
            row.save(update_fields=["email", "verified", "primary"])
    # Rows whose address is no account's clinic address, left on accounts without one.
    EmailAddress.objects.filter(user__email="").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0006_clinic_public_key"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunPython(verify_clinic_addresses, migrations.RunPython.noop),
    ]
