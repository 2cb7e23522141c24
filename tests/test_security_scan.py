"""The security scan in `make lint` (ruff's S rules, bandit's checks) covers production code.

Production code has no blanket exception: a hard-coded secret or a shell command in a new
module fails the lint, unless its line carries a justified `# noqa`.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).with_name("ruff")


def scan(source: str, path: str) -> str:
    result = subprocess.run(  # noqa: S603 (ruff from this venv)
        [str(RUFF), "check", "--select", "S", "--stdin-filename", path, "-"],
        input=source,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout


@pytest.mark.parametrize(
    ("source", "rule"),
    [
        ('import subprocess\nsubprocess.run("ls " + name, shell=True)\n', "S602"),
        ('API_TOKEN = "c2VjcmV0LXRva2Vu"\n', "S105"),
        ("import random\ncode = random.randint(0, 999999)\n", "S311"),
        ("def check(user):\n    assert user.is_staff\n", "S101"),
    ],
)
def test_production_code_is_scanned(source, rule):
    assert rule in scan(source, "patients/new_module.py")


def test_tests_may_use_asserts_and_fixed_passwords():
    assert "All checks passed" in scan(
        'PASSWORD = "x"\nassert PASSWORD\n', "patients/tests/test_new.py"
    )
