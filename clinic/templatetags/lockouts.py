"""`{% load lockouts %}{% locked_accounts accounts as locked %}`: the ids of the accounts
whose sign-in is locked now (clinic.lockout), read in one cache round trip."""

from django import template

from clinic import lockout

register = template.Library()


@register.simple_tag
def locked_accounts(accounts) -> set[int]:
    return lockout.locked_account_ids(accounts)
