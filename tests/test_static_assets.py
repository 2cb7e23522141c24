"""Static files as production serves them, and Stride's Bootstrap subset (issue #13).

Production collects static files with whitenoise's compressed manifest storage: hashed names
that browsers may keep for good, with .gz and .br copies beside them. These tests collect the
real files with that storage into a temporary folder and ask WhiteNoise for them.

static/css/bootstrap-stride.css is the part of Bootstrap's CSS the project uses, built from
Bootstrap's Sass by `make css` (frontend/bootstrap-stride.scss); CI checks with
`make css-check` that the committed file is what that source builds. Here: nothing the
templates, forms or scripts use is missing from it.
"""

import gzip
import json
import re
from pathlib import Path

import bootstrap_wrapper
import brotli
import crispy_bootstrap5
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client
from django.test.utils import override_settings

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
SUBSET = ROOT / "static/css/bootstrap-stride.css"
FULL_BOOTSTRAP = Path(bootstrap_wrapper.get_bootstrap_dir()) / "css/bootstrap.css"
PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# whitenoise's "forever" for hashed names (10 years); a browser keeps them at least a year.
ONE_YEAR = 365 * 24 * 60 * 60
STATIC_TAG = re.compile(r"""\{%\s*static\s+(["'])([^"']+)\1""")
# class="..." and a class handed to an include (with table_class="table table-sm").
CLASS_VALUE = re.compile(r'\b[\w-]*class\s*=\s*"([^"]*)"')
TEMPLATE_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
PYTHON_CLASS = re.compile(r"""(?:["']class["']\s*:|css_class\s*=)\s*["']([^"']*)["']""")
JS_CLASS = re.compile(
    r"""classList\.(?:add|remove|toggle|replace)\(([^)]*)\)|className\s*=\s*([^;]+)"""
)
JS_STRING = re.compile(r"""["']([^"']*)["']""")
CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
INCLUDE = re.compile(r"""\{%\s*include\s+(["'])([^"']+)\1""")
# What crispy-forms renders for |crispy, |as_crispy_field and {% crispy %} with our helper,
# which builds no layout objects (clinic/forms.py): these and the templates they include.
CRISPY_ENTRY_TEMPLATES = (
    "bootstrap5/whole_uni_form.html",
    "bootstrap5/whole_uni_formset.html",
    "bootstrap5/uni_form.html",
    "bootstrap5/field.html",
)
# Classes Bootstrap's own JS puts on elements: collapse (the navbar) and dropdown (the admin
# menu) are the plugins the templates use (data-bs-toggle).
BOOTSTRAP_JS_CLASSES = {"show", "collapsing"}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """STATIC_ROOT as the Docker image builds it: collectstatic with the production storage."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=static_root, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    return static_root, manifest


def template_static_names() -> set[str]:
    return {
        match.group(2)
        for path in TEMPLATES.rglob("*.html")
        for match in STATIC_TAG.finditer(path.read_text())
    }


def linked_css_and_js() -> set[str]:
    return {name for name in template_static_names() if name.endswith((".css", ".js"))}


def test_every_css_and_js_file_the_templates_link_has_gzip_and_brotli_copies(collected):
    static_root, manifest = collected
    for name in sorted(linked_css_and_js()):
        hashed = static_root / manifest[name]
        body = hashed.read_bytes()
        assert gzip.decompress(hashed.with_name(hashed.name + ".gz").read_bytes()) == body, name
        assert brotli.decompress(hashed.with_name(hashed.name + ".br").read_bytes()) == body, name


def test_the_manifest_maps_every_static_file_the_templates_name(collected):
    static_root, manifest = collected
    names = template_static_names()
    assert "css/bootstrap-stride.css" in names
    missing = sorted(name for name in names if name not in manifest)
    assert missing == []
    for name in names:
        assert (static_root / manifest[name]).is_file(), name
        assert manifest[name] != name, f"{name} has no hashed name"


def test_the_static_tag_names_the_hashed_file_under_the_production_storage(collected):
    static_root, manifest = collected
    with override_settings(STATIC_ROOT=static_root, STORAGES=PRODUCTION_STORAGES):
        url = Template("{% load static %}{% static 'css/bootstrap-stride.css' %}").render(Context())
    assert url == f"/static/{manifest['css/bootstrap-stride.css']}"


@pytest.mark.parametrize(
    ("accept", "encoding", "decompress"),
    [
        ("gzip, deflate, br, zstd", "br", brotli.decompress),
        ("gzip, deflate", "gzip", gzip.decompress),
    ],
)
def test_whitenoise_serves_a_hashed_file_compressed_with_an_immutable_cache_of_years(
    collected, accept, encoding, decompress
):
    static_root, manifest = collected
    hashed = manifest["css/bootstrap-stride.css"]
    with override_settings(STATIC_ROOT=static_root, STORAGES=PRODUCTION_STORAGES, DEBUG=False):
        response = Client().get(f"/static/{hashed}", headers={"accept-encoding": accept})
        body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Encoding"] == encoding
    assert response["Vary"] == "Accept-Encoding"
    assert response["Content-Type"].startswith("text/css")
    cache_control = [part.strip() for part in response["Cache-Control"].split(",")]
    assert "immutable" in cache_control and "public" in cache_control
    max_age = int(next(p for p in cache_control if p.startswith("max-age=")).split("=")[1])
    assert max_age >= ONE_YEAR
    assert decompress(body) == (static_root / hashed).read_bytes()


def test_a_name_without_its_hash_is_not_cached_for_good(collected):
    """The unhashed copy may change with the next release: a browser must ask again soon."""
    static_root, _ = collected
    with override_settings(STATIC_ROOT=static_root, STORAGES=PRODUCTION_STORAGES, DEBUG=False):
        response = Client().get("/static/css/bootstrap-stride.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]


def css_classes(path: Path) -> set[str]:
    css = re.sub(r"url\([^)]*\)|\"[^\"]*\"", "", path.read_text(encoding="utf-8-sig"))
    return set(CSS_CLASS.findall(css))


def class_tokens(value: str) -> set[str]:
    return set(TEMPLATE_CODE.sub(" ", value).split())


def crispy_templates() -> list[Path]:
    root = Path(crispy_bootstrap5.__file__).parent / "templates"
    seen: dict[str, Path] = {}
    todo = list(CRISPY_ENTRY_TEMPLATES)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen[name] = root / name
        todo.extend(match.group(2) for match in INCLUDE.finditer(seen[name].read_text()))
    return list(seen.values())


def project_python_files() -> list[Path]:
    """The code of every app (a folder with apps.py), without tests and migrations."""
    return [
        path
        for app in sorted(apps_py.parent for apps_py in ROOT.glob("*/apps.py"))
        for path in app.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def used_classes() -> dict[str, str]:
    """Every class name the project puts on an element, with a file that uses it."""
    used: dict[str, str] = {}
    for path in [*TEMPLATES.rglob("*.html"), *crispy_templates()]:
        for match in CLASS_VALUE.finditer(path.read_text()):
            for token in class_tokens(match.group(1)):
                used.setdefault(token, str(path))
    for path in project_python_files():
        for match in PYTHON_CLASS.finditer(path.read_text()):
            for token in match.group(1).split():
                used.setdefault(token, str(path))
    for path in (ROOT / "static/js").glob("*.js"):
        for match in JS_CLASS.finditer(path.read_text()):
            for string in JS_STRING.findall(match.group(1) or match.group(2)):
                for token in string.split():
                    used.setdefault(token, str(path))
    for token in BOOTSTRAP_JS_CLASSES:
        used.setdefault(token, "Bootstrap's collapse and dropdown")
    return used


def test_the_bootstrap_subset_has_every_bootstrap_class_the_project_uses():
    bootstrap = css_classes(FULL_BOOTSTRAP)
    subset = css_classes(SUBSET)
    missing = {
        token: where
        for token, where in used_classes().items()
        if token in bootstrap and token not in subset
    }
    assert missing == {}, f"add to frontend/bootstrap-stride.scss, run `make css`: {missing}"


def test_no_template_builds_a_bootstrap_class_from_a_variable():
    """class="text-bg-{{ colour }}" hides the class from the test above: spell it out."""
    bootstrap = css_classes(FULL_BOOTSTRAP)
    built = {}
    for path in TEMPLATES.rglob("*.html"):
        for match in CLASS_VALUE.finditer(path.read_text()):
            for prefix in re.findall(r"([\w-]+-)\{\{", match.group(1)):
                if any(name.startswith(prefix) for name in bootstrap):
                    built[prefix] = str(path)
    assert built == {}


def test_the_bootstrap_subset_is_the_version_of_the_bootstrap_js_pages_load():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    wheel = (Path(bootstrap_wrapper.get_bootstrap_dir()) / "version.txt").read_text()
    version = package["devDependencies"]["bootstrap"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "pin Bootstrap's exact version"
    assert lock["packages"]["node_modules/bootstrap"]["version"] == version
    assert ".".join(wheel.strip().lstrip("v").split(".")[:3]) == version
    assert f"Bootstrap  v{version} " in SUBSET.read_text(encoding="utf-8-sig")[:200]


def test_the_bootstrap_subset_is_at_most_half_of_bootstrap():
    """The point of the subset (issue #13): the CSS every page blocks on is half or less."""
    full = (Path(bootstrap_wrapper.get_bootstrap_dir()) / "css/bootstrap.min.css").stat().st_size
    assert SUBSET.stat().st_size <= full / 2
