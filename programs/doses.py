"""One exercise of a plan or template with its weeks and dose: what forms hand to services."""

from dataclasses import dataclass

from .models import Exercise, Slot


@dataclass
class ExerciseDose:
    """One exercise of a plan or template with its weeks and dose (what forms hand over)."""

    exercise: Exercise
    slot: str = Slot.DAILY
    week_from: int = 1
    week_to: int = 8
    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    times_per_day: int = 1

    @property
    def dose(self) -> dict:
        return {
            "sets": self.sets,
            "reps": self.reps,
            "hold_seconds": self.hold_seconds,
            "minutes": self.minutes,
            "times_per_day": self.times_per_day,
        }

    @classmethod
    def from_item(cls, item) -> "ExerciseDose":
        """From a TemplateExercise or PlanExercise."""
        return cls(
            exercise=item.exercise,
            slot=item.slot,
            week_from=item.week_from,
            week_to=item.week_to,
            **item.dose,
        )

    def row(self, order: int) -> dict:
        """Field values for a TemplateExercise or PlanExercise row."""
        return {
            "exercise": self.exercise,
            "slot": self.slot,
            "week_from": self.week_from,
            "week_to": self.week_to,
            "order": order,
            **self.dose,
        }
