"""The demo's secret key: made once per checkout, kept out of git (#16: never a fixed key)."""

import secrets
from pathlib import Path


def checkout_secret_key(path: Path) -> str:
    """The key stored at `path`, made (random, readable by the owner only) on first use."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if not key:
        key = secrets.token_urlsafe(50)
        path.write_text(key + "\n")
        path.chmod(0o600)
    return key
