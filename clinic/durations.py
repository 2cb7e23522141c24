"""Durations in words and on a stopwatch: one formatter for pages, emails and PDFs.

static/js/stride.js has the same two functions (Stride.durationText, Stride.mmss) for pages
that count time in the browser; clinic/tests/test_durations.py holds both to one table.
"""

from decimal import Decimal


def _whole_seconds(seconds) -> int:
    return max(0, int(Decimal(str(seconds)).to_integral_value()))


def duration_text(seconds) -> str:
    """Plain words for a length of time: 1420 -> '23 min 40 s', 600 -> '10 min',
    45 -> '45 s', 3725 -> '1 h 2 min'. Empty for None."""
    if seconds is None or seconds == "":
        return ""
    total = _whole_seconds(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def minutes_duration_text(minutes) -> str:
    """Walking minutes (a Decimal or float, as logged) in the same words: 23.7 -> '23 min 42 s'."""
    if minutes is None or minutes == "":
        return ""
    return duration_text(Decimal(str(minutes)) * 60)


def mmss(seconds) -> str:
    """A stopwatch reading: 245 -> '4:05'. Empty for None."""
    if seconds is None or seconds == "":
        return ""
    total = _whole_seconds(seconds)
    return f"{total // 60}:{total % 60:02d}"
