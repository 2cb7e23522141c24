import secrets

from django.db import migrations, models

import clinic.models


def fill_public_keys(apps, schema_editor):
    """Every existing clinic gets its own key (a callable default would give them one)."""
    Clinic = apps.get_model("clinic", "Clinic")
    for row in Clinic.objects.filter(public_key__isnull=True).only("id"):
        row.public_key = secrets.token_urlsafe(12)
        row.save(update_fields=["public_key"])


class Migration(migrations.Migration):

    dependencies = [
        ("clinic", "0005_auditevent_invite_conflict"),
    ]

    operations = [
        migrations.AddField(
            model_name="clinic",
            name="public_key",
            field=models.CharField(max_length=32, null=True),
        ),
        migrations.RunPython(fill_public_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="clinic",
            name="public_key",
            field=models.CharField(
                default=clinic.models.new_public_key, max_length=32, unique=True
            ),
        ),
    ]
