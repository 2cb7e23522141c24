"""Plan weeks, baseline bout, doses in plain words and the schedule preview.

Pure functions over plain data, no ORM (like progression.py), so they are tested with tables.
The preview and `walking_schedule` project weeks with the weekly rule itself
(progression.suggest_progression), so they follow its merge and 25 % growth cap exactly.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

from clinic.clinical_rules import DEFAULT_RULES, ClinicalRules

from .progression import (
    PROGRESS,
    Prescription,
    describe_prescription,
    suggest_progression,
)

WEEK = timedelta(days=7)


def plan_week_number(start: date, day: date) -> int:
    """1 for the plan's first 7 days, 2 for the next 7...; 0 before the plan starts."""
    if day < start:
        return 0
    return (day - start).days // 7 + 1


def plan_week_start(start: date, number: int) -> date:
    return start + (number - 1) * WEEK


def plan_week_end(start: date, number: int) -> date:
    return plan_week_start(start, number) + timedelta(days=6)


def last_completed_week(start: date, today: date) -> int:
    """The latest plan week whose last day is before `today`; 0 when none has ended yet."""
    return max(plan_week_number(start, today) - 1, 0) if today >= start else 0


def baseline_bout_minutes(
    *,
    treadmill_onset_seconds: int | None,
    self_reported_minutes: Decimal | float | None,
    floor_minutes: Decimal | float = DEFAULT_RULES.min_bout_minutes,
) -> Decimal | None:
    """docs/clinical-rules.md §7: the shortest of the treadmill level-stage time to first
    symptoms and the self-reported minutes before pain rises 2 points; at least 2 minutes.

    Rounded down to the half minute (the walk grid of progression.py), so the bout never
    exceeds what the patient showed they tolerate. None when neither is known.
    """
    candidates = []
    if treadmill_onset_seconds is not None:
        candidates.append(Fraction(int(treadmill_onset_seconds), 60))
    if self_reported_minutes is not None:
        candidates.append(Fraction(str(self_reported_minutes)))
    if not candidates:
        return None
    shortest = min(candidates)
    halves = math.floor(shortest * 2)
    minutes = max(Fraction(halves, 2), Fraction(str(floor_minutes)))
    return Decimal(minutes.numerator) / Decimal(minutes.denominator)


def minutes_text(value) -> str:
    """6 -> '6', 6.5 -> '6.5', Decimal('7.0') -> '7'."""
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


_TIMES = {1: "once a day", 2: "twice a day"}


def describe_dose(
    *,
    sets: int | None = None,
    reps: int | None = None,
    hold_seconds: int | None = None,
    minutes: int | None = None,
    times_per_day: int | None = 1,
) -> str:
    """Plain words: '2 sets of 10, hold each 5 seconds, twice a day'."""
    parts = []
    if reps:
        count = f"{reps} time{'s' if reps != 1 else ''}"
        parts.append(f"{sets} sets of {reps}" if sets and sets > 1 else count)
    elif sets and sets > 1:
        parts.append(f"{sets} sets")
    if hold_seconds:
        hold = f"{hold_seconds} second{'s' if hold_seconds != 1 else ''}"
        parts.append(f"hold each {hold}" if reps else f"hold {hold}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    times = times_per_day or 1
    parts.append(_TIMES.get(times, f"{times} times a day"))
    return ", ".join(parts)


def describe_item_dose(slot: str, dose: dict) -> str:
    """The dose of a plan item: glides go around each walk, weekly and optional items are not
    "n times a day"."""
    if slot in ("walk", "weekly", "option"):
        text = describe_dose(**{**dose, "times_per_day": 1}).removesuffix(", once a day")
        text = text.removesuffix("once a day")
        if slot == "walk":
            return f"{text}, before and after" if text else "before and after"
        return text or "once"
    return describe_dose(**dose)


def describe_weekly(prescription) -> str:
    """'5 days a week: 3 walks of 6 minutes, rest bent forward between them'."""
    days = prescription.sessions_per_week
    per_week = "every day" if days == 7 else f"{days} day{'s' if days != 1 else ''} a week"
    return f"{per_week}: {describe_prescription(prescription)}"


@dataclass(frozen=True)
class PreviewWeek:
    number: int
    start: date
    end: date
    prescription: Prescription
    text: str
    phase: str
    note: str
    changed: bool


def schedule_preview(
    *,
    start: date,
    weeks: int,
    prescription,
    progress_from_week: int,
    week_notes: list[dict] | None = None,
    rules: ClinicalRules | None = None,
) -> list[PreviewWeek]:
    """The walking schedule week by week if every week goes to plan.

    Weeks before `progress_from_week` stay at the baseline bout (docs/clinical-rules.md §9
    foundation); after that each week applies the weekly rule to a week of sessions all done
    and within target, so the preview shows the fastest the plan can go, merges and the 25 %
    growth cap included (§7). Real weeks may hold or step back.
    """
    notes = {int(n["number"]): n for n in (week_notes or [])}
    projected = _projection(
        start=start,
        weeks=weeks,
        prescription=prescription,
        progress_from_week=progress_from_week,
        rules=rules,
    )
    rows = []
    for number, (current, changed) in enumerate(projected, start=1):
        note = notes.get(number, {})
        rows.append(
            PreviewWeek(
                number=number,
                start=plan_week_start(start, number),
                end=plan_week_end(start, number),
                prescription=current,
                text=describe_prescription(current),
                phase=note.get("phase", ""),
                note=note.get("note", ""),
                changed=changed,
            )
        )
    return rows


# The default template's walking (programs/library.py DEFAULT_TEMPLATE, docs/clinical-rules.md
# §7 and §9): 5 days a week, 3 walks a session, weeks 1-2 foundation, progressing from week 3.
# Repeated here, not imported, because library.py reads the database and this module is pure.
DEFAULT_SESSIONS_PER_WEEK = 5
DEFAULT_BOUTS_PER_SESSION = 3
DEFAULT_PROGRESS_FROM_WEEK = 3


def walking_schedule(
    baseline_bout_minutes: Decimal | float,
    *,
    weeks: int = 8,
    sessions_per_week: int = DEFAULT_SESSIONS_PER_WEEK,
    bouts_per_session: int = DEFAULT_BOUTS_PER_SESSION,
    progress_from_week: int = DEFAULT_PROGRESS_FROM_WEEK,
    rules: ClinicalRules | None = None,
) -> list[Prescription]:
    """Each week's prescription from a baseline bout when every week is within target.

    With the defaults, a 12-minute baseline gives 3 x 12, 3 x 12, 3 x 13.5, 3 x 15,
    2 x 18.5, 1 x 23, 1 x 25.5, 1 x 28.5: the merge at 15 min and the 25 % cap of
    docs/clinical-rules.md §7, never 2 x 22.5 or 1 x 45.
    """
    baseline = SimpleNamespace(
        sessions_per_week=sessions_per_week,
        bouts_per_session=bouts_per_session,
        bout_minutes=baseline_bout_minutes,
    )
    projected = _projection(
        start=_ANY_MONDAY,
        weeks=weeks,
        prescription=baseline,
        progress_from_week=progress_from_week,
        rules=rules,
    )
    return [current for current, _ in projected]


# The weekly rule reads dates only to count distinct days; any start will do.
_ANY_MONDAY = date(2024, 1, 1)


def _projection(
    *, start: date, weeks: int, prescription, progress_from_week: int, rules
) -> list[tuple[Prescription, bool]]:
    """(prescription, changed this week) for weeks 1..weeks, every week on target."""
    current = Prescription(
        sessions_per_week=prescription.sessions_per_week,
        bouts_per_session=prescription.bouts_per_session,
        bout_minutes=float(prescription.bout_minutes),
    )
    rows = []
    for number in range(1, weeks + 1):
        changed = False
        if number > 1 and number >= progress_from_week:
            last_week = plan_week_start(start, number - 1)
            result = suggest_progression(current, on_target_week(current, last_week), rules)
            if result.decision == PROGRESS:
                changed = result.prescription != current
                current = result.prescription
        rows.append((current, changed))
    return rows


def on_target_week(prescription, week_start: date) -> list[SimpleNamespace]:
    """A week that went to plan: every prescribed session walked in full and on target, one
    a day (two a day for plans of more than 7 sessions a week)."""
    minutes = Decimal(str(prescription.bout_minutes)) * prescription.bouts_per_session
    return [
        on_target_walk(on=week_start + timedelta(days=i % 7), minutes=minutes)
        for i in range(prescription.sessions_per_week)
    ]


def on_target_walk(
    *, on: date | None = None, minutes: Decimal | float | None = None
) -> SimpleNamespace:
    """A walk that nudged pain by 2 points and settled: what a good week is made of.

    The weekly rule also needs the walk's local date and minutes (docs/clinical-rules.md §7:
    a session counts when it reached 80 % of the prescription); on_target_week fills them.
    """
    return SimpleNamespace(
        date=on,
        minutes=minutes,
        pain_before=2,
        pain_peak=4,
        pain_after=2,
        flare_next_day=False,
        red_flag=False,
    )


_STATUS_WORDS = {
    "pause": "Plan paused",
    "resume": "Plan started again",
    "end": "Plan ended",
}


def describe_change(previous, version) -> list[str]:
    """What one plan version changed, in plain words a patient understands.

    `previous` and `version` have the prescription attributes, `kind` and `exercises` (the
    snapshot list of dicts); `previous` is None for the first version.
    """
    if previous is None:
        return [f"Plan started: {describe_weekly(version)}"]
    lines = []
    if version.kind in _STATUS_WORDS:
        lines.append(_STATUS_WORDS[version.kind])
    if previous.sessions_per_week != version.sessions_per_week:
        lines.append(
            f"Walking days: {previous.sessions_per_week} -> {version.sessions_per_week} a week"
        )
    before, after = describe_prescription(previous), describe_prescription(version)
    if before != after:
        lines.append(f"Walks: {before} -> {after}")
    old = {e["exercise_id"]: e for e in previous.exercises}
    new = {e["exercise_id"]: e for e in version.exercises}
    added = [e["name"] for key, e in new.items() if key not in old]
    removed = [e["name"] for key, e in old.items() if key not in new]
    dosed = [
        e["name"] for key, e in new.items() if key in old and _dose_of(e) != _dose_of(old[key])
    ]
    if added:
        lines.append("New exercises: " + ", ".join(added))
    if removed:
        lines.append("Exercises taken out: " + ", ".join(removed))
    if dosed:
        lines.append("Changed how much or when: " + ", ".join(dosed))
    return lines or ["No change to walks or exercises"]


def _dose_of(entry: dict) -> tuple:
    keys = ("slot", "week_from", "week_to", "sets", "reps", "hold_seconds", "minutes")
    return (*(entry.get(k) for k in keys), entry.get("times_per_day"))
