"""Bundled instruments (NPRS, PSFS, SSHQ) from assessments/instruments/*.json.

Idempotent: an instrument whose code and version already exist is left as it is. A new
version of a bundled file needs a new migration that runs `load_bundled` again.
"""

import json
from pathlib import Path

from django.db import migrations

BUNDLED = ("nprs", "psfs", "sshq")
FOLDER = Path(__file__).resolve().parent.parent / "instruments"
FIELDS = ("title", "short_title", "instructions", "scoring_rule", "licence_note", "source")


def load_bundled(apps, schema_editor):
    Instrument = apps.get_model("assessments", "Instrument")
    for name in BUNDLED:
        data = json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))
        Instrument.objects.get_or_create(
            clinic=None,
            code=data["code"],
            version=data["version"],
            defaults={
                **{field: data.get(field, "") for field in FIELDS},
                "items": data["items"],
                "options": data.get("options", []),
                "bundled": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(load_bundled, migrations.RunPython.noop)]
