"""Progress over weeks from a patient's walks. Pure functions over plain rows: no ORM.

A row is a mapping with date, minutes, rests, bouts, pain_before, pain_peak, pain_after
(selectors.progress_rows). Weeks are counted from the first logged walk: week 1 is that day
and the six after it, the way a programme counts weeks (docs/clinical-rules.md §7, §9).

Longest continuous walk of a log: the longest timed bout for walk-timer logs. A form log
only says the total minutes and how many rests, so its longest stretch is taken as
minutes / (rests + 1): the average stretch, which the longest one is at least as long as.
Pages say so next to the chart.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from clinic.clinical_rules import ClinicalRules
from clinic.durations import minutes_duration_text

from . import targets

MAX_CHART_WEEKS = 26
MAX_CHART_WALKS = 30
CALENDAR_WEEKS = 8


def longest_bout_minutes(row) -> Decimal:
    bouts = row.get("bouts") or []
    walked = [b.get("walked_s") or 0 for b in bouts if isinstance(b, dict)]
    if walked:
        return _one_decimal(Decimal(max(walked)) / 60)
    return _one_decimal(Decimal(row["minutes"]) / (int(row.get("rests") or 0) + 1))


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Week:
    number: int
    start: date
    walks: int = 0
    minutes: Decimal = Decimal(0)
    longest: Decimal | None = None

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)


@dataclass(frozen=True)
class Walk:
    on: date
    rise: int
    within: bool | None


@dataclass(frozen=True)
class CalendarDay:
    on: date
    walks: int
    minutes: Decimal
    in_future: bool


@dataclass
class Progress:
    weeks: list[Week] = field(default_factory=list)
    walks: list[Walk] = field(default_factory=list)
    calendar: list[list[CalendarDay]] = field(default_factory=list)
    total_walks: int = 0

    @property
    def chart_weeks(self) -> list[Week]:
        return self.weeks[-MAX_CHART_WEEKS:]

    @property
    def chart_walks(self) -> list[Walk]:
        return self.walks[-MAX_CHART_WALKS:]

    @property
    def within_count(self) -> int:
        return sum(1 for w in self.chart_walks if w.within)


def build(rows, *, today: date, rules: ClinicalRules | None = None) -> Progress:
    """Weekly totals, per-walk pain rise and a calendar of the last 8 weeks."""
    rows = sorted(rows, key=lambda r: r["date"])
    progress = Progress(total_walks=len(rows), calendar=calendar(rows, today=today))
    if not rows:
        return progress
    first = rows[0]["date"]
    last_day = max(today, rows[-1]["date"])
    weeks = [
        Week(number=n + 1, start=first + timedelta(days=7 * n))
        for n in range((last_day - first).days // 7 + 1)
    ]
    for row in rows:
        week = weeks[(row["date"] - first).days // 7]
        week.walks += 1
        week.minutes += Decimal(row["minutes"])
        bout = longest_bout_minutes(row)
        week.longest = bout if week.longest is None else max(week.longest, bout)
        progress.walks.append(
            Walk(
                on=row["date"],
                rise=row["pain_peak"] - row["pain_before"],
                within=targets.within_target(
                    row["pain_before"], row["pain_peak"], row["pain_after"], rules=rules
                ),
            )
        )
    progress.weeks = weeks
    return progress


def calendar(rows, *, today: date, weeks: int = CALENDAR_WEEKS) -> list[list[CalendarDay]]:
    """Monday-to-Sunday rows for the last `weeks` weeks, ending with this week."""
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    per_day: dict[date, list] = {}
    for row in rows:
        if row["date"] >= start:
            per_day.setdefault(row["date"], []).append(Decimal(row["minutes"]))
    grid = []
    for w in range(weeks):
        days = []
        for d in range(7):
            on = start + timedelta(days=7 * w + d)
            minutes = per_day.get(on, [])
            days.append(CalendarDay(on, len(minutes), sum(minutes, Decimal(0)), on > today))
        grid.append(days)
    return grid


def minutes_text(value: Decimal) -> str:
    """Walking minutes in the one duration format (clinic/durations.py): 9.5 -> '9 min 30 s'."""
    return minutes_duration_text(_one_decimal(Decimal(value)))


def _number(value: Decimal) -> str:
    return minutes_text(value)


def sentence(progress: Progress, *, you: bool = True) -> str:
    """One plain sentence about the longest walk, e.g. "Your longest walk is 9 minutes, up
    from 4 in week 1". `you=False` words it for the clinician."""
    who = "Your" if you else "Their"
    walked = [w for w in progress.weeks if w.longest is not None]
    if not walked:
        if you:
            return "No walks logged yet. Your progress shows here after your first walk."
        return "No walks logged yet."
    first, latest = walked[0], walked[-1]
    current = latest is progress.weeks[-1]
    now = f"{who} longest walk is" if current else f"{who} longest walk in week {latest.number} was"
    if latest is first:
        return f"{who} longest walk so far is {minutes_text(first.longest)}."
    if latest.longest > first.longest:
        return f"{now} {minutes_text(latest.longest)}, up from {_number(first.longest)} in week 1."
    if latest.longest == first.longest:
        return f"{now} {minutes_text(latest.longest)}, the same as in week 1."
    return (
        f"{now} {minutes_text(latest.longest)}; in week 1 it was {_number(first.longest)}. "
        "Some weeks are harder than others."
    )
