"""The bundled library and template: docs/clinical-rules.md §8 and §9 content, loaded
idempotently."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from programs import library
from programs.models import Exercise, ProgramTemplate, TemplateExercise, TemplateWeek
from programs.services import library_sync

pytestmark = pytest.mark.django_db

REQUIRED_DRAWINGS = {
    "sciatic-nerve-slider",
    "sciatic-nerve-tensioner",
    "standing-l-stretch",
    "forward-flexion-standing",
    "forward-flexion-sitting",
    "knee-to-chest-single",
    "knees-to-chest-double",
}


def test_it_loads_the_exercises_of_clinical_section_8():
    library_sync()
    slugs = set(Exercise.objects.filter(clinic__isnull=True).values_list("slug", flat=True))

    assert (
        REQUIRED_DRAWINGS
        | {
            "posterior-pelvic-tilt",
            "abdominal-bracing",
            "curl-up",
            "seated-marching",
            "gentle-bridge",
            "stationary-cycling",
            "interval-walking",
        }
        <= slugs
    )


def test_every_bundled_exercise_has_steps_a_stop_if_and_a_dose():
    library_sync()
    for exercise in Exercise.objects.filter(clinic__isnull=True):
        assert len(exercise.step_list) >= 3, exercise.slug
        assert exercise.precaution_list, exercise.slug
        assert any(exercise.default_dose[k] for k in ("reps", "hold_seconds", "minutes"))


def test_the_glides_and_the_three_stretches_have_drawings_that_exist():
    library_sync()
    drawn = Exercise.objects.filter(clinic__isnull=True).exclude(illustration="")
    assert set(drawn.values_list("slug", flat=True)) >= REQUIRED_DRAWINGS
    for exercise in drawn:
        path = finders.find(exercise.illustration)
        assert path, exercise.illustration
        svg = Path(path).read_text()
        assert svg.lstrip().startswith("<svg") and "<script" not in svg
        assert exercise.illustration_alt


def test_running_it_twice_changes_nothing():
    library_sync()
    before = (
        Exercise.objects.count(),
        ProgramTemplate.objects.count(),
        TemplateWeek.objects.count(),
        TemplateExercise.objects.count(),
    )
    versions = dict(Exercise.objects.values_list("slug", "version"))

    assert library_sync() == {"exercises_created": 0, "exercises_updated": 0, "template_created": 0}
    assert (
        Exercise.objects.count(),
        ProgramTemplate.objects.count(),
        TemplateWeek.objects.count(),
        TemplateExercise.objects.count(),
    ) == before
    assert dict(Exercise.objects.values_list("slug", "version")) == versions


def test_changed_text_bumps_the_version(monkeypatch):
    library_sync()
    changed = [dict(e) for e in library.EXERCISES]
    changed[0]["summary"] = "A new summary."
    monkeypatch.setattr(library, "EXERCISES", changed)

    assert library_sync()["exercises_updated"] == 1
    exercise = Exercise.objects.get(slug=changed[0]["slug"], clinic__isnull=True)
    assert (exercise.summary, exercise.version) == ("A new summary.", 2)


def test_the_default_template_follows_clinical_section_9():
    library_sync()
    template = ProgramTemplate.objects.get(slug="walking-flexion-8-weeks", clinic__isnull=True)
    items = {i.exercise.slug: i for i in template.items.select_related("exercise")}

    assert (template.weeks, template.sessions_per_week, template.bouts_per_session) == (8, 5, 3)
    # Weeks 1-2 foundation at the baseline bout; the rule starts in week 3.
    assert template.progress_from_week == 3
    assert items["sciatic-nerve-slider"].slot == "walk"
    assert (items["sciatic-nerve-slider"].week_from, items["sciatic-nerve-slider"].week_to) == (
        1,
        8,
    )
    for slug in (
        "standing-l-stretch",
        "forward-flexion-standing",
        "posterior-pelvic-tilt",
        "abdominal-bracing",
    ):
        assert items[slug].week_from == 1
    assert items["curl-up"].week_from == items["seated-marching"].week_from == 3
    assert items["gentle-bridge"].week_from == items["stationary-cycling"].week_from == 5
    assert items["real-route-walk"].week_from == 7
    assert "sciatic-nerve-tensioner" not in items  # only when the therapist chooses it
    phases = list(template.week_set.values_list("phase", flat=True))
    assert phases == ["Foundation"] * 2 + ["Build"] * 2 + ["Progress"] * 2 + ["Consolidate"] * 2
    assert "re-test" in template.week_set.get(number=8).note
