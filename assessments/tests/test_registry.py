"""The one registry of walk-test kinds: every kind has what the pages, URLs, services and
charts read from it, and nothing else lists the kinds by hand."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse

from assessments import charts, registry, selectors, services
from assessments.forms import CorrectionMixin, WalkTestForm
from assessments.models import Result
from assessments.tests.url_access import WALK_TEST_FACTORIES

KINDS = registry.WALK_TESTS
IDS = [kind.slug for kind in KINDS]
APP = Path(registry.__file__).resolve().parent


def test_the_kinds_and_their_slugs():
    assert [kind.slug for kind in KINDS] == ["treadmill", "cart", "self-paced-walk"]
    assert registry.KINDS["self-paced-walk"].title == "Self-Paced Walking Test"


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_each_kind_has_a_result_model_and_forms(kind):
    assert issubclass(kind.model, Result) and not kind.model._meta.abstract
    assert issubclass(kind.form, WalkTestForm)
    assert issubclass(kind.correction_form, kind.form)
    assert issubclass(kind.correction_form, CorrectionMixin)
    assert registry.kind_of(kind.model) is kind


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_each_kind_has_its_templates(kind):
    for name in (
        kind.form_template,
        kind.detail_template,
        kind.history_template,
        kind.summary_template,
    ):
        assert get_template(name)


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_each_kind_has_namespaced_hyphenated_urls(kind):
    assert reverse(kind.create_url_name, args=[1]) == f"/assessments/patients/1/{kind.slug}/new/"
    assert reverse(kind.detail_url_name, args=[2]) == f"/assessments/{kind.slug}/2/"
    assert reverse(kind.correct_url_name, args=[2]) == f"/assessments/{kind.slug}/2/correct/"
    assert kind.detail_url_name == f"assessments:{kind.slug}-detail"


def test_chart_measures_belong_to_their_kind():
    assert [m.code for m in registry.KINDS["treadmill"].chart_measures] == ["treadmill-level"]
    assert [m.code for m in registry.KINDS["self-paced-walk"].chart_measures] == ["spwt"]
    assert registry.KINDS["cart"].chart_measures == ()
    sources = {measure.source for measure in charts.MEASURES.values()}
    assert sources <= {charts.ADMINISTRATION, *registry.KINDS}


@pytest.mark.parametrize("slug", ["walk", "", None, "Treadmill"])
def test_an_unknown_kind_is_refused(slug):
    with pytest.raises(ValueError, match="Unknown walk test"):
        registry.walk_test_kind(slug)


def test_a_questionnaire_is_not_a_walk_test():
    from assessments.models import Administration

    with pytest.raises(ValueError, match="not a walk test"):
        registry.kind_of(Administration)


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_the_one_pair_of_services_records_and_corrects_every_kind(kind, patient, therapist):
    made = WALK_TEST_FACTORIES[kind.slug].build(patient=patient, tester=therapist)
    fields = {name: getattr(made, name) for name in kind.form._meta.fields}
    fields["performed_on"] = datetime.date.today() - datetime.timedelta(days=1)

    test = services.walk_test_create(kind=kind.slug, patient=patient, tester=therapist, **fields)
    corrected = services.walk_test_correct(
        test=test, corrected_by=therapist, correction_note="typo", note="Corrected note"
    )

    assert type(test) is kind.model and corrected.supersedes == test
    assert list(selectors.walk_tests_for_user(therapist, kind.slug).current()) == [corrected]


def test_an_unknown_kind_cannot_be_recorded(patient, therapist):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Unknown walk test"):
        services.walk_test_create(kind="walk", patient=patient, tester=therapist)


# Where the kinds used to be listed by hand: none of these files may name a kind's model
# or slug now (the registry, models, forms, charts' measures, demo and tests aside).
READ_FROM_THE_REGISTRY = ["urls.py", "views.py", "selectors.py", "services.py"]


@pytest.mark.parametrize("name", READ_FROM_THE_REGISTRY)
def test_no_module_lists_the_kinds_by_hand(name):
    text = (APP / name).read_text()
    for model in ("TreadmillTest", "ShoppingCartTest", "SelfPacedWalkTest"):
        if name == "selectors.py" and model == "TreadmillTest":
            continue  # latest_treadmill_level_onset_s: one kind's own read, for programs
        assert model not in text, f"{name} names {model}"
    for slug in ('"cart"', '"walk"', '"self-paced-walk"'):
        assert slug not in text, f"{name} names {slug}"


def test_no_history_or_summary_template_lists_the_kinds_by_hand():
    folder = Path(settings.BASE_DIR) / "templates" / "assessments"
    for name in (
        "patient_history.html",
        "partials/patient_summary.html",
        "partials/patient_section.html",
    ):
        text = (folder / name).read_text()
        for word in ("treadmill", "'assessments:cart", "'assessments:walk", "history.cart"):
            assert word not in text, f"{name} names {word}"
