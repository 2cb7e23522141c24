"""Re-sync the bundled library: the walking exercises' "stop if" lines now name every red-flag
sign in the one wording of docs/clinical-rules.md §6 (programs/library.py). sync() bumps the
version of each exercise whose text changed and leaves the others alone."""

from django.db import migrations


def resync(apps, schema_editor):
    from programs import library

    library.sync(
        apps.get_model("programs", "Exercise"),
        apps.get_model("programs", "ProgramTemplate"),
        apps.get_model("programs", "TemplateWeek"),
        apps.get_model("programs", "TemplateExercise"),
    )


class Migration(migrations.Migration):
    dependencies = [("programs", "0009_retest")]

    operations = [migrations.RunPython(resync, migrations.RunPython.noop)]
