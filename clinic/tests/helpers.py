import re
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import hotp_value
from allauth.mfa.utils import decrypt
from django.core import mail

from clinic.tests.factories import TEST_PASSWORD


def totp_code(user) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return f"{hotp_value(secret, int(time.time()) // 30):06d}"


def sign_in(client, user, password: str = TEST_PASSWORD):
    """Sign in through the real allauth pages, with the TOTP step when the user has one."""
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    if response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/":
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(user)})
    return response


def link_in_last_email(path_prefix: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}[^\s\"<]+)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)
