"""Re-sync the bundled library: every bundled exercise now has a start-and-end drawing
(programs/static/programs/exercises/) and alt text that says both positions in plain words
(programs/library.py). sync() bumps the version of each exercise whose drawing or alt text
changed and leaves the others alone."""

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
    dependencies = [("programs", "0010_red_flag_stop_lines")]

    operations = [migrations.RunPython(resync, migrations.RunPython.noop)]
