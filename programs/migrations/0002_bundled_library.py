"""Load the bundled exercise library and the default 8-week template (programs/library.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from programs import library

    library.sync(
        apps.get_model("programs", "Exercise"),
        apps.get_model("programs", "ProgramTemplate"),
        apps.get_model("programs", "TemplateWeek"),
        apps.get_model("programs", "TemplateExercise"),
    )


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
