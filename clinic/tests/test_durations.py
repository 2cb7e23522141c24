"""One duration formatter: the Python one and the browser's (static/js/stride.js) agree."""

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from clinic.durations import duration_text, minutes_duration_text, mmss

CASES = [
    (0, "0 s", "0:00"),
    (45, "45 s", "0:45"),
    (60, "1 min", "1:00"),
    (362, "6 min 2 s", "6:02"),
    (1420, "23 min 40 s", "23:40"),
    (3600, "1 h", "60:00"),
    (3725, "1 h 2 min", "62:05"),
]


@pytest.mark.parametrize(("seconds", "words", "stopwatch"), CASES)
def test_python_formats_durations_in_minutes_and_seconds(seconds, words, stopwatch):
    assert (duration_text(seconds), mmss(seconds)) == (words, stopwatch)


def test_walking_minutes_read_as_minutes_and_seconds_never_decimals():
    assert minutes_duration_text(Decimal("23.7")) == "23 min 42 s"
    assert minutes_duration_text(None) == duration_text(None) == mmss(None) == ""


def test_the_browser_formatter_agrees_with_python():
    script = Path(__file__).resolve().parents[2] / "static" / "js" / "stride.js"
    probe = f"""
      global.window = {{}};
      global.document = {{ addEventListener() {{}} }};
      require({json.dumps(str(script))});
      const cases = {json.dumps([c[0] for c in CASES])};
      console.log(JSON.stringify(cases.map(s => [window.Stride.durationText(s),
                                                  window.Stride.mmss(s)])));
    """
    # Node.js ships with the machines Stride is built on (and CI's).
    out = subprocess.run(["node", "-e", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [[c[1], c[2]] for c in CASES]
