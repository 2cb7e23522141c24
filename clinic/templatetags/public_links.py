"""`{% load public_links %}{% stenosis_quiz_url as quiz_url %}`: the public stenosis quiz,
for pages with no clinic of their own (the sign-in page).

With one clinic in the installation the link names it (?clinic=<public key>), so the result
page offers that clinic's booking details. With several it names none: the sign-in page
belongs to no clinic, and picking one would send people to the wrong place."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from clinic.models import Clinic

register = template.Library()


@register.simple_tag
def stenosis_quiz_url() -> str:
    url = reverse("stenosis-quiz")
    keys = list(Clinic.objects.values_list("public_key", flat=True)[:2])
    return f"{url}?{urlencode({'clinic': keys[0]})}" if len(keys) == 1 else url
