"""Every write of programs: keyword-only, atomic, validated, audited. One module per job:

- library.py: the exercise library, programme templates, the clinic's programme settings
- plans.py: a patient's plan life cycle (assign -> adjust | pause -> resume -> end) and
  exercises done today
- suggestions.py: the weekly progression job and the therapist's decisions

Callers use `from programs import services` and `services.<name>`: the names below are the
package's public surface.
"""

from .library import (
    exercise_create,
    exercise_update,
    library_sync,
    program_settings_update,
    template_clone,
    template_update,
)
from .plans import (
    RED_FLAG_PAUSE_REASON,
    exercise_done_set,
    plan_adjust,
    plan_assign,
    plan_end,
    plan_pause,
    plan_pause_for_red_flag,
    plan_resume,
    plan_rules_set,
    retest_dismiss,
)
from .suggestions import (
    progression_approve,
    progression_approve_edited,
    progression_reject,
    progression_run,
    progression_suggest,
)

__all__ = [
    "RED_FLAG_PAUSE_REASON",
    "exercise_create",
    "exercise_done_set",
    "exercise_update",
    "library_sync",
    "plan_adjust",
    "plan_assign",
    "plan_end",
    "plan_pause",
    "plan_pause_for_red_flag",
    "plan_resume",
    "plan_rules_set",
    "retest_dismiss",
    "program_settings_update",
    "progression_approve",
    "progression_approve_edited",
    "progression_reject",
    "progression_run",
    "progression_suggest",
    "template_clone",
    "template_update",
]
