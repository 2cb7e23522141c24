"""The vocabulary of the URL authorization matrix (see tests/test_url_matrix.py)."""

from collections.abc import Callable
from dataclasses import dataclass

ROLES = ("patient", "therapist", "admin", "other_therapist")
PUBLIC = "public"


def only(*statuses: int, **allowed: int) -> dict[str, int]:
    """Expected statuses for signed-in roles: the named roles get their status, others 404.

    `only(200, 200, 200, 200)` gives every role a status positionally, in ROLES order.
    """
    if statuses:
        return dict(zip(ROLES, statuses, strict=True))
    return {role: allowed.get(role, 404) for role in ROLES}


@dataclass(frozen=True)
class Access:
    expect: dict[str, int]
    method: str = "get"
    public: bool = False
    own: Callable | None = None
    foreign: Callable | None = None
