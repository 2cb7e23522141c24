"""The walk-test kinds, listed once: the Two-Stage Treadmill Test, the Shopping Cart Test and
the Self-Paced Walking Test.

URLs, views, selectors, services, charts, the history page, the patient summary and the
progress report read this registry instead of naming the kinds themselves. Adding a kind
is a model (a `models.Result`), a form (a `forms.WalkTestForm`), an entry in `WALK_TESTS`
and its templates:

    templates/assessments/<stem>_form.html            record and correct
    templates/assessments/<stem>_detail.html          one result (any version)
    templates/assessments/partials/<stem>_history.html    its table on the history page
    templates/assessments/partials/<stem>_summary.html    its line on the patient summary

where <stem> is the slug with "_" for "-". A chart of the kind is a `charts.Measure` whose
`source` is the slug. Recording and correcting go through the one pair of services,
`services.walk_test_create(kind=<slug>, ...)` and `services.walk_test_correct(test=...)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import charts, forms
from .models import Result, SelfPacedWalkTest, ShoppingCartTest, TreadmillTest

# What lists and pages load with every walk test: who recorded it, and (for the cart test)
# the clinic settings its interpretation reads (a join, never a query per row).
_TESTER = ("tester",)


@dataclass(frozen=True)
class WalkTestKind:
    slug: str  # in URL paths and names: /assessments/<slug>/<pk>/, assessments:<slug>-detail
    model: type[Result]
    form: type[forms.WalkTestForm]
    correction_form: type[forms.WalkTestForm]
    title: str  # "Two-Stage Treadmill Test": headings of its pages
    plural: str  # its section on the history page
    short: str  # its buttons and its line on the patient summary
    related: tuple[str, ...] = _TESTER  # select_related for lists and details
    summary_when_empty: bool = True  # the patient summary says "none yet"

    @property
    def template_stem(self) -> str:
        return self.slug.replace("-", "_")

    @property
    def form_template(self) -> str:
        return f"assessments/{self.template_stem}_form.html"

    @property
    def detail_template(self) -> str:
        return f"assessments/{self.template_stem}_detail.html"

    @property
    def history_template(self) -> str:
        return f"assessments/partials/{self.template_stem}_history.html"

    @property
    def summary_template(self) -> str:
        return f"assessments/partials/{self.template_stem}_summary.html"

    @property
    def create_url_name(self) -> str:
        return f"assessments:{self.slug}-create"

    @property
    def detail_url_name(self) -> str:
        return f"assessments:{self.slug}-detail"

    @property
    def correct_url_name(self) -> str:
        return f"assessments:{self.slug}-correct"

    @property
    def chart_measures(self) -> tuple[charts.Measure, ...]:
        return tuple(m for m in charts.MEASURES.values() if m.source == self.slug)


WALK_TESTS: tuple[WalkTestKind, ...] = (
    WalkTestKind(
        slug="treadmill",
        model=TreadmillTest,
        form=forms.TreadmillTestForm,
        correction_form=forms.TreadmillCorrectionForm,
        title="Two-Stage Treadmill Test",
        plural="Two-Stage Treadmill Tests",
        short="Treadmill test",
    ),
    WalkTestKind(
        slug="cart",
        model=ShoppingCartTest,
        form=forms.ShoppingCartTestForm,
        correction_form=forms.ShoppingCartCorrectionForm,
        title="Shopping Cart Test",
        plural="Shopping Cart Tests",
        short="Shopping cart test",
        related=(*_TESTER, "patient__clinic__assessment_settings"),
    ),
    WalkTestKind(
        slug="self-paced-walk",
        model=SelfPacedWalkTest,
        form=forms.SelfPacedWalkTestForm,
        correction_form=forms.SelfPacedWalkCorrectionForm,
        title="Self-Paced Walking Test",
        plural="Self-Paced Walking Tests",
        short="Self-paced walk",
        summary_when_empty=False,
    ),
)

KINDS: dict[str, WalkTestKind] = {kind.slug: kind for kind in WALK_TESTS}
_BY_MODEL: dict[type, WalkTestKind] = {kind.model: kind for kind in WALK_TESTS}


def walk_test_kind(slug: str) -> WalkTestKind:
    """The kind with this slug; ValueError (a message a caller can show) for any other."""
    try:
        return KINDS[slug]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown walk test: {slug!r}.") from None


def kind_of(result_or_model) -> WalkTestKind:
    """The kind of a walk-test result (or model class)."""
    model = result_or_model if isinstance(result_or_model, type) else type(result_or_model)
    try:
        return _BY_MODEL[model]
    except KeyError:
        raise ValueError(f"{model.__name__} is not a walk test.") from None
