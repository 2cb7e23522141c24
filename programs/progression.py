"""Weekly walking-progression rule for a lumbar spinal stenosis plan.

Pure functions over plain data: no ORM, no Django. Callers pass any objects with the right
attributes (model instances, dataclasses, SimpleNamespace). Each walk log carries WalkLog's
own field names: `date` (the patient's local date of the walk), `minutes` (walking minutes,
int/float/Decimal or None), `pain_before`, `pain_peak`, `pain_after`, `flare_next_day` and
`red_flag`.

The thresholds are `ClinicalRules` (clinic/clinical_rules.py; `ProgressionRules` is the same
class under its old name): product defaults [C] of docs/clinical-rules.md §7, not published
rules; there is no published weekly walking increase for LSS. The result is a *suggestion*;
the therapist approves it (docs/clinical-rules.md §7).

The rule, docs/clinical-rules.md §7, in order of precedence:

1. pause on any red flag;
2. regress (bout -20 %, never under 2 min) when 2+ sessions rose more than 2 points past the
   target, OR a next-day flare was reported, OR more than half of the week's sessions with
   pain values (and at least 2) were over target on pain (rise above the target or peak
   above 6);
3. progress (bout +10 %, at least +1 min) when done days >= 80 % of the prescribed sessions
   and >= 80 % of the sessions done were within target (rise <= 2, back within 1 point after
   rest, peak <= 6) and no flare; at 15 min merge bouts first; no continuous bout grows more
   than 25 % in one week;
4. hold otherwise.

Choices made where the clinical rules are silent (and those of clinic/clinical_rules.py):

- Done: a session counts toward adherence when its minutes reach 80 % of bouts x minutes
  per bout (exactly 80 % counts); a session with no minutes is logged, not done. Done days
  are distinct local dates with such a session, capped at sessions_per_week (plans of more
  than 7 sessions a week count up to ceil(sessions / 7) sessions a day).
- The within-target share for progress is taken over the week's sessions *done* ("80 % of
  those sessions"), every one of them, extra walks and second walks of a day included. A
  session done with a missing pain score counts against the share: we cannot show the nudge
  stayed safe, and a week of unscored walks must not progress on the one walk that was
  scored. Walks too short to count neither help nor hurt the progress share.
- The over-target share for regress is taken over every session of the week with pain
  values, short ones included (an overshoot on a short walk is still an overshoot): a
  session is counted when over-target-on-pain can be told, i.e. it has the pain before and
  the peak, or a peak in the severe band (which is over target on its own). Exactly half
  over target does not regress ("more than half").
- Only the pain rise counts towards "more than 2 points past the target"; a missing value
  cannot count there. A slow recovery makes a session not within target but never steps a
  patient back on its own.
- Rounding: bouts are kept on a 0.5-minute grid. Progress rounds UP, so the new bout is at
  least +10 % and at least +1 min; the 25 % growth cap rounds DOWN, so it always holds.
  Under 4 minutes the two disagree (2 min + 1 min is +50 %): the cap wins, because the rule
  says no bout *ever* grows more than 25 % in a week; 2 min goes to 2.5, then 3, 3.5, 4, 5.
  When not even half a minute fits under the cap (a bout the therapist set under 2 min, or a
  clinic cap under 25 % on a short bout), the week holds and the reason says why. Regress
  rounds DOWN, so the cut is at least 20 %, then the 2-minute floor applies (and a
  regression never lengthens a bout that was already under the floor).
- Merging (docs/clinical-rules.md §7): on a progress week with a bout of at least 15 min and
  more than one bout, the plan becomes one bout fewer, each of
  min(round_half_nearest(session minutes / (bouts - 1)), the bout + 25 % rounded down). The
  first keeps the session minutes where the cap allows (5 or more bouts); with 2-4 bouts the
  cap binds and the minutes per session drop at the merge: 3 x 15 (45 min) -> 2 x 18.5
  (37 min) -> 1 x 23. That is intended: the longest continuous walk is what loads the
  nerves, and it grows by at most 25 %; the session total is won back by the weeks that
  follow. No time is added in a merge week. A single bout at 15 min or more gets the
  ordinary +10 % / +1 min, capped at 25 %.
- A red flag is checked before anything on a log is validated: a week with a red flag
  pauses even if a pain entry is out of range or a log has no date or minutes. Any other
  week with an out-of-range pain value, or a log without `date` or `minutes`, raises
  ValueError.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from numbers import Real
from typing import Literal, Protocol

from clinic import clinical_rules
from clinic.clinical_rules import (
    PAIN_MAX,
    PAIN_MIN,
    ClinicalRules,
    as_fraction,
    rules_or_default,
)

__all__ = [
    "HOLD",
    "PAIN_MAX",
    "PAIN_MIN",
    "PAUSE",
    "PROGRESS",
    "REGRESS",
    "Decision",
    "Prescription",
    "PrescriptionLike",
    "ProgressionRules",
    "WeeklyDecision",
    "WalkLogLike",
    "describe_prescription",
    "pain_rise",
    "progressed_prescription",
    "session_done",
    "session_within_target",
    "suggest_progression",
]

PROGRESS = "progress"
HOLD = "hold"
REGRESS = "regress"
PAUSE = "pause"

Decision = Literal["progress", "hold", "regress", "pause"]

# The old name of the thresholds: one class, so the engine and every page read one definition.
ProgressionRules = ClinicalRules

# Bouts live on a half-minute grid: fine enough for a 2-minute bout, coarse enough for a
# patient to time with a phone.
MINUTE_STEP = Fraction(1, 2)

_MISSING = object()


class PrescriptionLike(Protocol):
    sessions_per_week: int
    bouts_per_session: int
    bout_minutes: float


class WalkLogLike(Protocol):
    date: date
    minutes: Decimal | float | int | None
    pain_before: int | None
    pain_peak: int | None
    pain_after: int | None
    flare_next_day: bool
    red_flag: bool


@dataclass(frozen=True)
class Prescription:
    """One week's walking dose: sessions a week, bouts a session, minutes a bout."""

    sessions_per_week: int
    bouts_per_session: int
    bout_minutes: float

    def __post_init__(self) -> None:
        for name in ("sessions_per_week", "bouts_per_session"):
            value = getattr(self, name)
            if not _is_int(value) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}.")
        minutes = self.bout_minutes
        if not _is_number(minutes) or not math.isfinite(minutes) or minutes <= 0:
            raise ValueError(f"bout_minutes must be a number above 0, got {minutes!r}.")


@dataclass(frozen=True)
class WeeklyDecision:
    """What the weekly rule suggests for next week (stored as models.ProgressionSuggestion)."""

    decision: Decision
    prescription: Prescription
    reasons: list[str]


@dataclass(frozen=True)
class _Walk:
    """One log, read and validated once."""

    on: date
    minutes: Fraction | None
    before: int | None
    peak: int | None
    after: int | None
    flare: bool

    @property
    def missing_pain(self) -> bool:
        return None in (self.before, self.peak, self.after)


def pain_rise(log: WalkLogLike) -> int | None:
    """Peak pain minus pain before the walk; None when either is missing."""
    return clinical_rules.pain_rise(_pain(log, "pain_before"), _pain(log, "pain_peak"))


def session_within_target(log: WalkLogLike, rules: ClinicalRules | None = None) -> bool:
    """True when the walk nudged pain no more than the target, settled after rest and stayed
    out of the severe band (docs/clinical-rules.md §7). A missing pain value is never within.
    """
    before = _pain(log, "pain_before")
    peak = _pain(log, "pain_peak")
    after = _pain(log, "pain_after")
    return clinical_rules.within_target(before, peak, after, rules) is True


def session_done(
    log: WalkLogLike, prescription: PrescriptionLike, rules: ClinicalRules | None = None
) -> bool:
    """docs/clinical-rules.md §7: the walk reached 80 % of the prescribed session's minutes."""
    plan = _as_prescription(prescription)
    return clinical_rules.session_counts(
        _attribute(log, "minutes"), plan.bouts_per_session, plan.bout_minutes, rules
    )


def describe_prescription(prescription: PrescriptionLike) -> str:
    """Plain words for the patient, e.g. '3 walks of 6 minutes, rest bent forward between them'."""
    plan = _as_prescription(prescription)
    minutes = _minutes_text(plan.bout_minutes)
    unit = "minute" if plan.bout_minutes == 1 else "minutes"
    if plan.bouts_per_session == 1:
        return f"1 walk of {minutes} {unit}"
    # docs/clinical-rules.md §1: rest by bending forward (flexion opens the canal).
    return f"{plan.bouts_per_session} walks of {minutes} {unit}, rest bent forward between them"


def progressed_prescription(
    prescription: PrescriptionLike, rules: ClinicalRules | None = None
) -> Prescription | None:
    """Next week's prescription after a week that met the progress rule, or None when the
    bout cannot grow half a minute within the weekly growth cap (module docstring)."""
    rules = rules_or_default(rules)
    current = _as_prescription(prescription)
    return _progressed(current, as_fraction(current.bout_minutes, "bout_minutes"), rules)


def suggest_progression(
    prescription: PrescriptionLike,
    logs: Iterable[WalkLogLike],
    rules: ClinicalRules | None = None,
) -> WeeklyDecision:
    """Suggest next week's prescription from this week's walk logs.

    Order of precedence: pause (red flag) > regress > progress > hold. The therapist approves
    the suggestion (docs/clinical-rules.md §7). `rules` None means the product defaults.
    """
    rules = rules_or_default(rules)
    current = _as_prescription(prescription)
    logs = list(logs)
    bout = as_fraction(current.bout_minutes, "bout_minutes")

    # docs/clinical-rules.md §6, §7: any red flag pauses progression, ahead of everything
    # else. Checked before the logs are validated so that a bad entry can never hide it.
    red_flags = sum(1 for log in logs if log.red_flag)
    if red_flags:
        return WeeklyDecision(
            decision=PAUSE,
            prescription=current,
            reasons=[
                (
                    f"A red flag was reported on {_plural(red_flags, 'session')} this week: "
                    "progression is paused until a clinician has reviewed it"
                ),
                f"pause: bout stays at {_minutes_text(bout)} min",
            ],
        )

    walks = [_read(log) for log in logs]
    target = rules.pain_rise_target
    missing = sum(1 for w in walks if w.missing_pain)
    missing_note = []
    if missing:
        it = "it" if missing == 1 else "they"
        missing_note.append(
            f"{_plural(missing, 'session')} had a missing pain score, "
            f"so {it} could not count as within target"
        )

    regress_reasons = _regress_reasons(walks, rules)
    if regress_reasons:
        new_bout = _regressed_bout(bout, rules)
        if new_bout == bout:
            change = (
                f"regress: bout stays at {_minutes_text(bout)} min "
                f"(the shortest bout is {_minutes_text(rules.min_bout_minutes)} min)"
            )
        else:
            change = f"regress: bout {_minutes_text(bout)} -> {_minutes_text(new_bout)} min"
        return WeeklyDecision(
            decision=REGRESS,
            prescription=_with_bout(current, new_bout),
            reasons=[*missing_note, *regress_reasons, change],
        )

    # docs/clinical-rules.md §7: a session counts toward adherence only when it reached 80 %
    # of the prescribed minutes; adherence counts distinct local days, capped.
    planned = current.sessions_per_week
    per_day = clinical_rules.max_sessions_a_day(planned)
    needed_minutes = as_fraction(
        clinical_rules.session_minutes_needed(
            current.bouts_per_session, current.bout_minutes, rules
        ),
        "minutes",
    )
    done = [
        w
        for w in walks
        if clinical_rules.session_counts(
            w.minutes, current.bouts_per_session, current.bout_minutes, rules
        )
    ]
    days_done = clinical_rules.sessions_done(
        ((w.on, w.minutes) for w in walks),
        sessions_per_week=planned,
        bouts_per_session=current.bouts_per_session,
        bout_minutes=current.bout_minutes,
        rules=rules,
    )
    within = sum(
        1 for w in done if clinical_rules.within_target(w.before, w.peak, w.after, rules) is True
    )
    min_adherence = as_fraction(rules.min_adherence, "min_adherence")
    min_share = as_fraction(rules.min_within_target_share, "min_within_target_share")
    adherence_ok = Fraction(days_done, planned) >= min_adherence
    share_ok = bool(done) and Fraction(within, len(done)) >= min_share
    done_text = _done_text(days_done, planned, per_day)
    share_text = f"{within} of {len(done)} {_sessions(len(done))} done"

    # docs/clinical-rules.md §7: progress when >= 80 % done, >= 80 % of those within target
    # and no flare (a flare has already stepped back above).
    if adherence_ok and share_ok:
        summary = f"{done_text}, {share_text} within the +{target} pain target, no flare"
        new_plan = _progressed(current, bout, rules)
        if new_plan is not None:
            return WeeklyDecision(
                decision=PROGRESS,
                prescription=new_plan,
                reasons=[f"{summary}: {_change_text(current, new_plan, rules)}", *missing_note],
            )
        growth = _percent(as_fraction(rules.max_bout_growth, "max_bout_growth"))
        return WeeklyDecision(
            decision=HOLD,
            prescription=current,
            reasons=[
                summary,
                (
                    f"a {_minutes_text(bout)}-minute walk cannot grow by half a minute without "
                    f"growing more than {growth} % in a week: the therapist may set a longer walk"
                ),
                *missing_note,
                f"hold: bout stays at {_minutes_text(bout)} min",
            ],
        )

    # docs/clinical-rules.md §7: hold, naming each threshold that fell short.
    reasons = []
    if not adherence_ok:
        needed = math.ceil(min_adherence * planned)
        reasons.append(f"{done_text}; {needed} needed to progress ({_percent(min_adherence)} %)")
        reasons.extend(_not_done_notes(walks, done, days_done, current, needed_minutes, rules))
    if done and not share_ok:
        needed = math.ceil(min_share * len(done))
        reasons.append(
            f"{share_text} {'was' if within == 1 else 'were'} within the +{target} pain "
            f"target; {needed} needed to progress ({_percent(min_share)} %)"
        )
    reasons.extend(missing_note)
    reasons.append(f"hold: bout stays at {_minutes_text(bout)} min")
    return WeeklyDecision(decision=HOLD, prescription=current, reasons=reasons)


def _regress_reasons(walks: list[_Walk], rules: ClinicalRules) -> list[str]:
    """The reasons to step back this week; empty when there are none."""
    target = rules.pain_rise_target
    reasons = []
    # docs/clinical-rules.md §7: "2+ sessions rose more than 2 points past the target".
    limit = target + rules.regress_overshoot
    rises = [clinical_rules.pain_rise(w.before, w.peak) for w in walks]
    way_over = sum(1 for rise in rises if rise is not None and rise > limit)
    if way_over >= rules.regress_min_sessions:
        reasons.append(
            f"{_plural(way_over, 'session')} went more than {rules.regress_overshoot} points "
            f"past the +{target} pain target"
        )
    # docs/clinical-rules.md §7: "more than half of the week's sessions with pain values (and
    # at least 2) were over target on pain": a patient who overshoots every walk is stepped
    # back, not held for ever.
    judged = [clinical_rules.over_target_on_pain(w.before, w.peak, rules) for w in walks]
    judged = [over for over in judged if over is not None]
    over = sum(judged)
    share = as_fraction(rules.regress_over_target_share, "regress_over_target_share")
    if over >= rules.regress_over_target_min and Fraction(over, len(judged)) > share:
        more_than = "half" if share == Fraction(1, 2) else f"{_percent(share)} %"
        reasons.append(
            f"{over} of {len(judged)} {_sessions(len(judged))} with pain scores went over the "
            f"+{target} pain target or peaked above {rules.severe_peak} of 10 "
            f"(more than {more_than})"
        )
    # docs/clinical-rules.md §7: "OR a flare was reported".
    flares = sum(1 for w in walks if w.flare)
    if flares:
        reasons.append(f"Pain flared the next day after {_plural(flares, 'session')}")
    return reasons


def _progressed(current: Prescription, bout: Fraction, rules: ClinicalRules) -> Prescription | None:
    bouts = current.bouts_per_session
    # docs/clinical-rules.md §7: "no continuous bout ever grows by more than 25 % in one
    # week"; rounded down on the grid so the cap holds after rounding.
    cap = _round_half_down(bout * (1 + as_fraction(rules.max_bout_growth, "max_bout_growth")))
    # docs/clinical-rules.md §7: at 15 min, merge bouts (one fewer, longer) before adding
    # time: 3 x 15 -> 2 x 18.5 -> 1 x 23. Session minutes may drop (module docstring).
    if bout >= as_fraction(rules.merge_at_minutes, "merge_at_minutes") and bouts > 1:
        merged = min(_round_half_nearest(bout * bouts / (bouts - 1)), cap)
        if merged <= bout:
            return None
        return Prescription(
            sessions_per_week=current.sessions_per_week,
            bouts_per_session=bouts - 1,
            bout_minutes=float(merged),
        )
    # docs/clinical-rules.md §7: +10 %, at least +1 min; round up so both hold, then the cap.
    step = as_fraction(rules.progress_step, "progress_step")
    floor_step = as_fraction(rules.progress_min_minutes, "progress_min_minutes")
    new_bout = min(_round_half_up(max(bout * (1 + step), bout + floor_step)), cap)
    if new_bout <= bout:
        return None
    return _with_bout(current, new_bout)


def _regressed_bout(bout: Fraction, rules: ClinicalRules) -> Fraction:
    # docs/clinical-rules.md §7: -20 %, rounded down so the cut is at least 20 %; never below
    # the 2-minute floor (the baseline minimum), and never longer than the current bout if a
    # therapist set it under the floor.
    cut = _round_half_down(bout * (1 - as_fraction(rules.regress_step, "regress_step")))
    floor = as_fraction(rules.min_bout_minutes, "min_bout_minutes")
    return min(bout, max(floor, cut))


def _change_text(current: Prescription, new: Prescription, rules: ClinicalRules) -> str:
    old_bout = Fraction(str(current.bout_minutes))
    new_bout = Fraction(str(new.bout_minutes))
    growth = _percent(as_fraction(rules.max_bout_growth, "max_bout_growth"))
    if new.bouts_per_session < current.bouts_per_session:
        text = (
            f"bouts merged before adding time, {current.bouts_per_session} x "
            f"{_minutes_text(old_bout)} -> {new.bouts_per_session} x "
            f"{_minutes_text(new_bout)} min"
        )
        old_total = old_bout * current.bouts_per_session
        new_total = new_bout * new.bouts_per_session
        if new_total < old_total:
            text += (
                f" (no walk grows more than {growth} % in a week, so a session is "
                f"{_minutes_text(new_total)} min instead of {_minutes_text(old_total)} for now)"
            )
        return text
    text = f"bout {_minutes_text(old_bout)} -> {_minutes_text(new_bout)} min"
    step = as_fraction(rules.progress_step, "progress_step")
    floor_step = as_fraction(rules.progress_min_minutes, "progress_min_minutes")
    if new_bout < _round_half_up(max(old_bout * (1 + step), old_bout + floor_step)):
        text += f" (a walk grows at most {growth} % in a week)"
    return text


def _not_done_notes(
    walks: list[_Walk],
    done: list[_Walk],
    days_done: int,
    current: Prescription,
    needed_minutes: Fraction,
    rules: ClinicalRules,
) -> list[str]:
    """Why logged walks did not all count: too short, no minutes, or on a day already done."""
    notes = []
    no_minutes = sum(1 for w in walks if w.minutes is None)
    short = sum(1 for w in walks if w.minutes is not None and w.minutes < needed_minutes)
    if short:
        share = _percent(as_fraction(rules.session_min_share, "session_min_share"))
        notes.append(
            f"{_plural(short, 'session')} {'was' if short == 1 else 'were'} shorter than "
            f"{_minutes_text(needed_minutes)} min ({share} % of {current.bouts_per_session} x "
            f"{_minutes_text(current.bout_minutes)} min): logged, not counted as done"
        )
    if no_minutes:
        notes.append(
            f"{_plural(no_minutes, 'session')} had no walking minutes: logged, not counted as done"
        )
    same_day = len(done) - days_done
    if same_day > 0 and days_done < current.sessions_per_week:
        per_day = clinical_rules.max_sessions_a_day(current.sessions_per_week)
        rule = (
            "two walks on one day are one walking day"
            if per_day == 1
            else f"at most {per_day} sessions a day count"
        )
        notes.append(f"{_plural(same_day, 'more session')} on days already counted ({rule})")
    return notes


def _read(log: WalkLogLike) -> _Walk:
    before = _pain(log, "pain_before")
    peak = _pain(log, "pain_peak")
    after = _pain(log, "pain_after")
    return _Walk(
        on=clinical_rules.check_date(_attribute(log, "date")),
        minutes=clinical_rules.check_minutes(_attribute(log, "minutes")),
        before=before,
        peak=peak,
        after=after,
        flare=bool(log.flare_next_day),
    )


def _attribute(log: WalkLogLike, name: str):
    value = getattr(log, name, _MISSING)
    if value is _MISSING:
        raise ValueError(
            f"Each walk log needs `{name}` (the walk's local date and walking minutes are "
            "part of the weekly rule)."
        )
    return value


def _with_bout(current: Prescription, bout: Fraction) -> Prescription:
    return Prescription(
        sessions_per_week=current.sessions_per_week,
        bouts_per_session=current.bouts_per_session,
        bout_minutes=float(bout),
    )


def _as_prescription(prescription: PrescriptionLike) -> Prescription:
    try:
        return Prescription(
            sessions_per_week=prescription.sessions_per_week,
            bouts_per_session=prescription.bouts_per_session,
            bout_minutes=prescription.bout_minutes,
        )
    except AttributeError as exc:
        raise ValueError(f"The prescription is missing a value: {exc}") from exc


def _pain(log: WalkLogLike, name: str) -> int | None:
    value = getattr(log, name)
    if value is None:
        return None
    if not _is_int(value) or not PAIN_MIN <= value <= PAIN_MAX:
        raise ValueError(
            f"{name} must be a whole number from {PAIN_MIN} to {PAIN_MAX}, got {value!r}."
        )
    return int(value)


def _is_int(value: object) -> bool:
    # bool is an int subclass; True is not a pain score or a session count.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    # Decimal too: a Django DecimalField hands us Decimal, which is not a Real.
    return isinstance(value, Real | Decimal) and not isinstance(value, bool)


def _round_half_up(minutes: Fraction) -> Fraction:
    return math.ceil(minutes / MINUTE_STEP) * MINUTE_STEP


def _round_half_down(minutes: Fraction) -> Fraction:
    return math.floor(minutes / MINUTE_STEP) * MINUTE_STEP


def _round_half_nearest(minutes: Fraction) -> Fraction:
    return math.floor(minutes / MINUTE_STEP + Fraction(1, 2)) * MINUTE_STEP


def _done_text(count: int, planned: int, per_day: int) -> str:
    # "5 walking days done of 5 planned": capped, so never "6 of 5".
    if per_day == 1:
        return f"{_plural(count, 'walking day')} done of {planned} planned"
    return f"{_plural(count, 'session')} done of {planned} planned (up to {per_day} a day count)"


def _sessions(count: int) -> str:
    return "session" if count == 1 else "sessions"


def _minutes_text(minutes: float | Fraction | Decimal) -> str:
    value = Fraction(str(minutes)) if isinstance(minutes, float) else Fraction(minutes)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}"


def _percent(share: Fraction) -> str:
    return _minutes_text(share * 100)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
