"""Shared pieces of the property-based tests (tests/test_properties_*.py).

Hostile values as hypothesis strategies; the forms of a page as read from its HTML; a plausible
filling of each form that hypothesis then spoils; and the two checks every example ends with:
no changed row fails `full_clean()`, and nothing hostile comes back unescaped in HTML.
"""

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, example, settings
from hypothesis import strategies as st

from tests.test_url_matrix import PROJECT_APPS

# Reproducible in CI, no example database in the work tree, and a client round trip per
# example is far slower than hypothesis' default deadline. The `db` fixture is set up once per
# test, not per example: `isolated()` rolls each example back instead.
PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- Hostile values --------------------------------------------------------------------------

# Every HTML payload carries this marker, so a payload echoed raw is easy to find.
MARKER = "hyp0x"
HTML_PAYLOADS = [
    f"<script>alert('{MARKER}')</script>",
    f'"><img src=x onerror=alert("{MARKER}")>',
    f"<b onmouseover='{MARKER}'>bold</b>",
    f"</textarea><svg onload={MARKER}>",
    f"{{{{ {MARKER} }}}}{{% now 'Y' %}}",
]
SQL_FRAGMENTS = ["' OR 1=1 --", "'; DROP TABLE patients_walklog; --", '" OR ""="', "1; SELECT 1"]
CONTROL = ["\x00", "\x01", "\x08", "\x0b", "\x1b[31m", "\r\n", "\u2028", "\ufeff", "\x7f"]
RTL = ["\u202eevil\u202c", "مرحبا بالعالم", "שלום", "\u200f\u200e"]
NUMBERS = [
    "-1",
    "-0",
    "0",
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "9" * 40,
    "-" + "9" * 40,
    "2147483648",
    "9223372036854775808",
    "0x10",
    "1_000",
    "１２",
    "1.5",
    "1,5",
    "٣",
    " 7 ",
]
DATES = [
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "2026-13-01",
    "10000-01-01",
    "-2026-01-01",
    "01/02/2026",
    "today",
    "1970-01-01T00:00:00Z",
]
TIMES = ["24:00", "23:60", "-01:00", "25:99", "7", "12:00:00.999999999"]
FIXED = HTML_PAYLOADS + SQL_FRAGMENTS + CONTROL + RTL + NUMBERS + DATES + TIMES + ["", " "]

hostile_text = st.one_of(
    st.sampled_from(FIXED),
    st.text(max_size=30),
    st.sampled_from([v for v in FIXED if v]).map(lambda v: (v * (10_240 // len(v) + 1))[:10_240]),
    st.builds(lambda a, b: a + b, st.sampled_from(HTML_PAYLOADS), st.sampled_from(CONTROL + RTL)),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)

# A form field's value: one string, or several (the field sent more than once).
hostile_value = st.one_of(
    hostile_text,
    st.lists(hostile_text, min_size=2, max_size=3),
)


# --- Forms read from a page ------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    values: list[str] = field(default_factory=list)  # options, or a checkbox/radio's values
    initial: list[str] = field(default_factory=list)
    attrs: dict = field(default_factory=dict)


@dataclass
class Form:
    action: str
    method: str = "post"
    fields: dict[str, Field] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            method = "post" if a.get("method", "get").lower() == "post" else "get"
            self._form = Form(
                action=urlsplit(a.get("action") or self.page_path).path, method=method
            )
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input" and a.get("name"):
            self._input(a)
        elif tag == "select" and a.get("name"):
            kind = "select-multiple" if "multiple" in a else "select"
            self._select = self._add(Field(a["name"], kind, attrs=a))
        elif tag == "option" and self._select is not None and "value" in a:
            self._select.values.append(a["value"])
            if "selected" in a:
                self._select.initial.append(a["value"])
        elif tag == "textarea" and a.get("name"):
            self._textarea = self._add(Field(a["name"], "textarea", attrs=a))

    def _input(self, a):
        kind = a.get("type", "text").lower()
        if kind in ("submit", "button", "image", "reset", "file"):
            return
        existing = self._form.fields.get(a["name"])
        current = existing or self._add(Field(a["name"], kind, attrs=a))
        value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
        if kind in ("checkbox", "radio"):
            current.values.append(value)
            if "checked" in a:
                current.initial.append(value)
        elif existing is None:
            current.initial.append(value)

    def _add(self, f: Field) -> Field:
        return self._form.fields.setdefault(f.name, f)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.initial = [data.removeprefix("\n")]  # Django opens with a newline

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(html: str, page_path: str) -> list[Form]:
    """The forms of a page (search filters too), each with the path it is sent to."""
    parser = _FormParser(page_path)
    parser.feed(html)
    return parser.forms


# --- Plausible values, spoilt by hypothesis ---------------------------------------------------


def _plausible(f: Field) -> st.SearchStrategy:
    """A value the form's own markup suggests is acceptable: its current value, its options,
    its range and step, its placeholder."""
    if f.kind == "hidden":
        return st.just(f.initial)
    typed = _typed(f)
    if f.kind not in ("checkbox", "select-multiple") and f.initial and f.initial != [""]:
        return st.one_of(st.just(f.initial), typed)
    return typed


def _typed(f: Field) -> st.SearchStrategy:
    if f.kind in ("checkbox", "select-multiple"):
        choices = [v for v in f.values if v != ""] or [""]
        return st.lists(st.sampled_from(choices), unique=True, max_size=len(choices))
    if f.kind in ("radio", "select"):
        choices = [v for v in f.values if v != ""] or f.values or [""]
        return st.sampled_from(choices).map(lambda v: [v])
    if f.kind == "number":
        return _in_range(f)
    if f.kind == "date":
        today = date.today()
        return st.integers(0, 20).map(lambda d: [(today - timedelta(days=d)).isoformat()])
    if f.kind == "time":
        return st.sampled_from(["07:30", "12:00", "18:45"]).map(lambda v: [v])
    if f.kind == "email":
        return st.integers(1, 10**6).map(lambda n: [f"person{n}@example.org"])
    if f.attrs.get("placeholder") == "m:ss":
        return st.tuples(st.integers(0, 20), st.integers(0, 59)).map(
            lambda t: [f"{t[0]}:{t[1]:02d}"]
        )
    return st.sampled_from(["Walked to the shop", "Ok", "A note", "Pat Smith"]).map(lambda v: [v])


def _in_range(f: Field) -> st.SearchStrategy:
    """A multiple of the input's step between its min and max (a small range when open)."""
    step = _decimal(f.attrs.get("step"), Decimal(1))
    low = _decimal(f.attrs.get("min"), Decimal(0))
    high = _decimal(f.attrs.get("max"), low + 10 * max(step, Decimal(1)))
    steps = int(min((high - low) / step, 1000)) if step > 0 and high >= low else 0
    return st.integers(0, steps).map(lambda k: [str(low + k * step)])


def _decimal(text, default: Decimal) -> Decimal:
    try:
        value = Decimal(text)
    except (TypeError, ValueError, ArithmeticError):
        return default
    return value if value.is_finite() else default


@st.composite
def form_data(draw, form: Form) -> dict[str, list[str]]:
    """A plausible filling of `form`, with up to three fields spoilt, dropped or added."""
    data = {name: draw(_plausible(f)) for name, f in form.fields.items()}
    names = sorted(n for n in form.fields if n != "csrfmiddlewaretoken") or ["note"]
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.one_of(st.sampled_from(names), st.sampled_from(["x", "pk", "patient"])))
        action = draw(st.sampled_from(["spoil", "spoil", "spoil", "drop", "duplicate"]))
        if action == "drop":
            data.pop(name, None)
        elif action == "duplicate":
            data[name] = [*data.get(name, []), draw(hostile_text)]
        else:
            value = draw(hostile_value)
            data[name] = value if isinstance(value, list) else [value]
    return {name: values for name, values in data.items() if values}


# The same hostile value in every field at once, and every field missing: tried before the
# random examples, so that the commonest mistakes (NUL, which PostgreSQL refuses in text; a
# payload echoed raw; a 10 kB value) are met by every form on every run.
EVERY_FIELD_VALUES = ["\x00", HTML_PAYLOADS[1], "9" * 10_240, "-1", "0001-01-01", "9999-12-31"]


def every_field_examples(form: Form) -> list[dict[str, list[str]]]:
    """Explicit examples for `form`: all fields missing, then each of EVERY_FIELD_VALUES in
    every field (the CSRF token kept, so that the request is the form's own)."""
    kept = {n: f.initial for n, f in form.fields.items() if n == "csrfmiddlewaretoken"}
    names = [n for n in form.fields if n not in kept] or ["note"]
    return [kept] + [{**kept, **{n: [value] for n in names}} for value in EVERY_FIELD_VALUES]


def with_examples(test, name: str, values):
    """`test` (a @given function) with `values` of its argument `name` tried first."""
    for value in reversed(values):
        test = example(**{name: value})(test)
    return test


# --- What every example must leave true --------------------------------------------------------


def project_models():
    return [m for app in PROJECT_APPS for m in apps.get_app_config(app).get_models()]


def snapshot() -> dict:
    """Every row of the project's tables, as plain values, keyed by (model, pk)."""
    rows = {}
    for model in project_models():
        for row in model.objects.values():
            rows[(model, row[model._meta.pk.attname])] = row
    return rows


def changed_rows(before: dict) -> list[tuple]:
    """(row now, row before or None) for each row added or changed since `before`."""
    after = snapshot()
    changed = [key for key, row in after.items() if before.get(key) != row]
    by_model: dict = {}
    for model, pk in changed:
        by_model.setdefault(model, []).append(pk)
    return [
        (obj, before.get((model, obj.pk)))
        for model, pks in by_model.items()
        for obj in model.objects.filter(pk__in=pks)
    ]


def _errors(obj) -> dict:
    try:
        obj.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def invalid_rows(before: dict) -> list[tuple[str, dict]]:
    """Rows added or changed since `before` that fail the model's own validation.

    A changed row is held only to the errors it did not have before: a test world's row may
    lack what a form never touches (an invitation made without `invited_by`)."""
    problems = []
    for obj, old in changed_rows(before):
        errors = _errors(obj)
        if old is not None:
            was = _errors(type(obj)(**old))
            errors = {k: v for k, v in errors.items() if was.get(k) != v}
        if errors:
            problems.append((f"{obj._meta.label} {obj.pk}", errors))
    return problems


_UNESCAPED = re.compile("|".join(re.escape(p) for p in HTML_PAYLOADS if "<" in p))


def unescaped_payloads(response) -> list[str]:
    """HTML payloads that came back verbatim in an HTML response."""
    if "html" not in response.get("Content-Type", ""):
        return []
    return _UNESCAPED.findall(response.content.decode("utf-8", "replace"))


class Rollback(Exception):
    """Raised inside `isolated()` to undo an example's writes."""


@contextlib.contextmanager
def isolated():
    """Run one example in a savepoint that is always rolled back, with no rate-limit counters
    left from the example before."""
    cache.clear()
    with contextlib.suppress(Rollback), transaction.atomic():
        yield
        raise Rollback
