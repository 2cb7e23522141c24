"""Telephone numbers patients can tap to call.

`{{ clinic.phone|tel_href }}` -> "tel:+15550100" (digits, with a leading + kept), for
`<a href="{{ clinic.phone|tel_href }}">{{ clinic.phone }}</a>`: the words as the clinic
wrote them, the link as a phone dials it.

`{{ clinic.urgent_contact_text|tel_links|linebreaksbr }}`: the clinic's own words (escaped),
with every telephone number in them made a tap-to-call link; the out-of-hours number lives
there, in free text.
"""

import re

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join

register = template.Library()

# Groups of digits (an area code may be in brackets) with one space, dot or dash between
# them, optionally after a +: "+44 (0)20 7946 0018", "0800-123-4567". 7 to 15 digits:
# shorter is a time or a room, longer is no telephone number (E.164 allows 15). Dates
# are not numbers to call.
_GROUP = r"(?:\(\d{1,5}\)|\d+)"
_NUMBER = re.compile(rf"(?<![\w+(])\+?{_GROUP}(?:[ \u00a0.\-]?{_GROUP})*(?![\w(])")
_DATE = re.compile(r"\d{4}-\d\d-\d\d|\d\d?[./-]\d\d?[./-]\d{2,4}")
_FEWEST_DIGITS, _MOST_DIGITS = 7, 15


def tel_href_for(number: str) -> str:
    number = number.strip()
    plus = "+" if number.startswith("+") else ""
    if plus:
        # "+44 (0)20 ...": the bracketed 0 is dialled only from inside the country.
        number = number.replace("(0)", "")
    digits = re.sub(r"\D", "", number)
    return f"tel:{plus}{digits}" if digits else ""


@register.filter
def tel_href(number) -> str:
    return tel_href_for(str(number or ""))


def _number_or_words(written: str) -> str:
    digits = sum(ch.isdigit() for ch in written)
    if not _FEWEST_DIGITS <= digits <= _MOST_DIGITS or _DATE.fullmatch(written):
        return conditional_escape(written)
    return format_html('<a href="{}">{}</a>', tel_href_for(written), written)


@register.filter
def tel_links(text) -> str:
    """The text escaped piece by piece: the words between numbers, and each number inside
    its link, so nothing the clinic typed is ever read as markup."""
    text = str(text or "")
    pieces, last = [], 0
    for match in _NUMBER.finditer(text):
        pieces.append(conditional_escape(text[last : match.start()]))
        pieces.append(_number_or_words(match.group(0)))
        last = match.end()
    pieces.append(conditional_escape(text[last:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))
