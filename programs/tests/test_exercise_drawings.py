"""Every bundled exercise has a start-and-end drawing a patient can follow (issue #14): the
file exists, is safe, self-contained SVG with both positions labelled, its description says
the same as the alt text, and Today and the handout show it with that alt text."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from clinic import pdf
from documents import services as document_services
from documents.models import Document
from programs import library
from programs.models import Exercise
from programs.tests.factories import assign_plan

SVG = "{http://www.w3.org/2000/svg}"
DRAWINGS = Path(finders.find("programs/exercises/curl-up.svg")).parent
BUNDLED = {entry["slug"]: entry for entry in library.EXERCISES}
ALT_MAX = Exercise._meta.get_field("illustration_alt").max_length


def drawing_of(slug: str) -> ET.Element:
    return ET.parse(finders.find(BUNDLED[slug]["illustration"])).getroot()


class Images(HTMLParser):
    """The (src, alt) of every <img> on a page."""

    def __init__(self):
        super().__init__()
        self.found = set()

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            values = dict(attrs)
            self.found.add((values.get("src"), values.get("alt")))


def images_on(html: str) -> set:
    parser = Images()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("slug", sorted(BUNDLED))
def test_it_gives_every_bundled_exercise_a_drawing_and_alt_text_for_both_positions(slug):
    entry = BUNDLED[slug]
    assert entry["illustration"] == f"programs/exercises/{slug}.svg"
    assert finders.find(entry["illustration"])
    alt = entry["illustration_alt"]
    assert alt.startswith("Start: ") and " End: " in alt
    assert len(alt) <= ALT_MAX


@pytest.mark.parametrize("path", sorted(DRAWINGS.glob("*.svg")), ids=lambda p: p.stem)
def test_every_drawing_is_self_contained_svg_with_start_and_end_labelled(path):
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    assert len(root.get("viewBox").split()) == 4
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text.strip()
    assert desc is not None and desc.text.strip()
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    labels = {text.text for text in root.iter(f"{SVG}text")}
    assert {"Start", "End"} <= labels
    for element in root.iter():
        name = element.tag.removeprefix(SVG)
        assert name not in {"script", "image", "foreignObject", "use", "a", "style"}, name
        assert not any(attr.endswith("href") for attr in element.attrib), element.attrib
        assert not any(attr.startswith("on") for attr in element.attrib), element.attrib
        assert "url(" not in " ".join(element.attrib.values())


def test_every_drawing_belongs_to_a_bundled_exercise():
    used = {Path(entry["illustration"]).name for entry in library.EXERCISES}
    assert {path.name for path in DRAWINGS.glob("*.svg")} == used


@pytest.mark.parametrize("slug", sorted(BUNDLED))
def test_the_drawings_description_says_what_the_alt_text_says(slug):
    desc = drawing_of(slug).find(f"{SVG}desc").text
    assert desc == BUNDLED[slug]["illustration_alt"]


@pytest.mark.django_db
def test_the_migrated_library_points_at_the_drawings():
    # The test database is built by the migrations (0011 re-syncs the library).
    stored = dict(
        Exercise.objects.filter(clinic__isnull=True).values_list("slug", "illustration_alt")
    )
    assert stored == {slug: entry["illustration_alt"] for slug, entry in BUNDLED.items()}


@pytest.mark.django_db
def test_today_shows_each_exercises_drawing_with_its_alt_text(patient, client_for):
    plan = assign_plan(patient)
    html = client_for(patient.user).get(reverse("dashboard:today")).content.decode()

    shown = images_on(html)
    today = [i.exercise for i in plan.exercises.select_related("exercise") if i.week_from == 1]
    assert today
    for exercise in today:
        assert (static(exercise.illustration), exercise.illustration_alt) in shown, exercise.slug


@pytest.mark.django_db
def test_the_handout_draws_every_exercise_from_its_drawing_with_its_alt_text(patient, monkeypatch):
    html_seen, asked = [], []
    render, fetch = pdf.html_to_pdf, pdf.StaticFilesFetcher.fetch

    def keep_html(html):
        html_seen.append(html)
        return render(html)

    def keep_url(self, url, headers=None):
        asked.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(pdf, "html_to_pdf", keep_html)
    monkeypatch.setattr(pdf.StaticFilesFetcher, "fetch", keep_url)
    plan = assign_plan(patient)
    handout = Document.objects.filter(plan=plan, kind="handout").latest("created_at")

    assert document_services.document_render_now(handout.pk) == "ready"

    handout.refresh_from_db()
    assert handout.file.read().startswith(b"%PDF")
    shown = images_on(html_seen[-1])
    for item in plan.exercises.select_related("exercise"):
        drawing = item.exercise.illustration
        assert (static(drawing), item.exercise.illustration_alt) in shown, drawing
        assert f"{pdf.PDF_ORIGIN}{static(drawing)}" in asked, drawing
