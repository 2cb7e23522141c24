"""Text parts of emails are plain text: a clinic called "Spine & <Walking> "Clinic"" reads
so in every subject and text body, never as &amp; or &lt; (the HTML part stays escaped)."""

from pathlib import Path

import pytest

from notifications.channels.email import build_templated_email

HOSTILE = 'Riverside Spine & <Walking> "Clinic"'
EMAILS = sorted(
    path.name.removesuffix("_subject.txt")
    for path in (Path(__file__).resolve().parents[2] / "templates" / "emails").glob("*_subject.txt")
)


class _Anything:
    """Every attribute of every object in the context is the hostile name."""

    def __getattr__(self, name):
        return HOSTILE

    def __str__(self):
        return HOSTILE


class _EveryName(dict):
    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return _Anything()


@pytest.mark.parametrize("template", EMAILS)
def test_subjects_and_text_bodies_are_not_html_escaped(template):
    message = build_templated_email(template=template, to=["x@example.org"], context=_EveryName())

    for text in (message.subject, message.body):
        assert "&amp;" not in text and "&lt;" not in text and "&quot;" not in text
    html = message.alternatives[0][0] if hasattr(message.alternatives[0], "__getitem__") else ""
    assert "<Walking>" not in html  # the HTML part is still escaped


def test_every_email_template_is_covered():
    assert len(EMAILS) >= 5
