"""Sign-in lockouts: allauth's failed-login limits, read, explained and lifted.

allauth counts failed sign-ins in the cache under ACCOUNT_RATE_LIMITS["login_failed"]: per
client address and per key, the key being the typed address for passwords and the account
for sign-in codes (allauth.mfa). A full count refuses even the right password or code until
the oldest failure ages out: that keeps guessers out. This module tells the person how long
that is, and lets the owner (a single-use emailed link) or a clinic admin lift an account's
lock at once. Address (network) limits are never lifted here: they stop one machine trying
many accounts. allauth keeps its counters in its own cache keys; the few helpers of its
internal ratelimit module used below are pinned by the tests in test_account_lockout.py.
"""

import hashlib
import math
import secrets
import time

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import cache

from .audit import Action, audit_record
from .models import Clinic, User

APP = "allauth.account"
ACTION = "login_failed"
# How long an emailed unlock link works. A lock lasts 15 minutes at most; an hour gives the
# owner time to find the email, and the link dies with its first use.
UNLOCK_LINK_SECONDS = 60 * 60


def login_key(login: str) -> str:
    """The per-account key of password failures (AccountAdapter._get_login_attempts_cache_key):
    the typed address, so that an unknown address is locked exactly like a known one."""
    return f"login:{login.strip().lower()}"


def code_key(user: User) -> str:
    """allauth.mfa's key for wrong sign-in codes (mfa.base.internal.flows.check_rate_limit)."""
    return f"mfa-auth-user-{user.pk}"


def _rates(per: str) -> list:
    return [r for r in allauth_ratelimit.get_rates(app=APP, action=ACTION) if r.per == per]


def _cache_key(request, rate, key: str | None) -> str:
    return allauth_ratelimit.get_cache_key(request, app=APP, action=ACTION, rate=rate, key=key)


def _seconds_left(history: list[float], rate, now: float) -> int:
    """0 when the rate admits another try; else the seconds until enough failures age out."""
    live = sorted((ts for ts in history if ts > now - rate.duration), reverse=True)
    if len(live) < rate.amount:
        return 0
    return max(1, math.ceil(live[rate.amount - 1] + rate.duration - now))


def _locked_seconds(request, per: str, key: str | None = None) -> int:
    rates = _rates(per)
    keys = [_cache_key(request, rate, key) for rate in rates]
    histories = cache.get_many(keys)
    now = time.time()
    return max(
        (
            _seconds_left(histories.get(k, []), rate, now)
            for rate, k in zip(rates, keys, strict=True)
        ),
        default=0,
    )


def account_locked_seconds(login: str) -> int:
    """How long password sign-ins with this address stay refused (0: open)."""
    return _locked_seconds(None, "key", login_key(login))


def code_locked_seconds(user: User) -> int:
    """How long this account's sign-in codes stay refused (0: open)."""
    return _locked_seconds(None, "key", code_key(user))


def network_locked_seconds(request) -> int:
    """How long sign-ins from this request's client address stay refused (0: open)."""
    return _locked_seconds(request, "ip")


def _account_keys(user: User) -> list[str]:
    from allauth.account.models import EmailAddress

    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    return [login_key(a) for a in addresses if a] + [code_key(user)]


def locked_account_ids(users) -> set[int]:
    """The accounts among `users` whose password or code sign-in is locked now (one cache
    round trip, for the admin's accounts page)."""
    rates = _rates("key")
    now = time.time()
    wanted = {}
    for user in users:
        for key in (login_key(user.email), code_key(user)):
            for rate in rates:
                wanted[_cache_key(None, rate, key)] = (user.pk, rate)
    histories = cache.get_many(list(wanted))
    return {
        pk for k, (pk, rate) in wanted.items() if _seconds_left(histories.get(k, []), rate, now)
    }


def account_unlock(*, user: User, by: User, request=None) -> User:
    """Lift the account's password and code locks at once (its owner, by the emailed link, or
    a clinic admin). The client-address limits stay."""
    for key in _account_keys(user):
        for rate in _rates("key"):
            cache.delete(_cache_key(None, rate, key))
        cache.delete(_refused_key(key))
    audit_record(action=Action.UNLOCK, request=request, actor=by, obj=user)
    return user


def _refused_key(key: str) -> str:
    return "stride:lock-refused:" + hashlib.sha256(key.encode()).hexdigest()


def first_refusal(key: str, seconds: int) -> bool:
    """True for the first sign-in a lock refuses, False for the rest of that lock: the lock
    is recorded and its owner emailed once, so that a guesser hammering a locked account
    neither floods the audit trail nor sends its owner hundreds of emails. `key` is a
    login_key, a code_key or "ip:<address>"."""
    return cache.add(_refused_key(key), 1, timeout=max(seconds, 1))


def _link_key(token: str) -> str:
    # The cache holds a hash of the token, never the token: a copy of the cache opens nothing.
    return "stride:unlock-link:" + hashlib.sha256(token.encode()).hexdigest()


def unlock_link_issue(user: User) -> str:
    """A fresh single-use token for the owner's unlock link."""
    token = secrets.token_urlsafe(32)
    cache.set(_link_key(token), user.pk, timeout=UNLOCK_LINK_SECONDS)
    return token


def unlock_link_account(token: str) -> User | None:
    """The active account an unlock link was sent to, while the link works."""
    pk = cache.get(_link_key(token)) if token else None
    return User.objects.filter(pk=pk, is_active=True).first() if pk else None


def unlock_by_link(*, token: str, request=None) -> User | None:
    """Use up the link and unlock its account; None when the link does not work (made up,
    expired, or used: the cache delete succeeds for one caller only)."""
    user = unlock_link_account(token)
    if user is None or not cache.delete(_link_key(token)):
        return None
    return account_unlock(user=user, by=user, request=request)


def clinic_to_call() -> Clinic | None:
    """The clinic a locked-out person is told to call on screen. The screen may not tell a
    stranger which clinic an address belongs to, so it names a clinic only when the
    installation has one; the owner finds their clinic's number in the unlock email."""
    clinics = list(Clinic.objects.only("name", "phone")[:2])
    return clinics[0] if len(clinics) == 1 else None


def link_invalid_context() -> dict:
    """What the page of a dead unlock link says: how long links work, and locks last."""
    longest = max((r.duration for r in _rates("key")), default=0)
    return {"link_for": minutes_phrase(UNLOCK_LINK_SECONDS), "lock_for": minutes_phrase(longest)}


def minutes_phrase(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _call(clinic: Clinic | None) -> str:
    if clinic is None or not clinic.phone:
        return "You can also call your clinic."
    return f"You can also call {clinic.name} on {clinic.phone}."


def account_locked_message(seconds: int) -> str:
    """The same words whether or not the address has an account (no enumeration)."""
    return (
        f"Too many failed sign-ins: this account is locked for the next "
        f"{minutes_phrase(seconds)}. If it is your account, we have emailed you a link that "
        f"unlocks it now. {_call(clinic_to_call())}"
    )


def network_locked_message(seconds: int) -> str:
    return (
        f"Too many failed sign-ins from this network: signing in from here is paused for the "
        f"next {minutes_phrase(seconds)}. {_call(clinic_to_call())}"
    )
