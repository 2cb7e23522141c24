"""The questionnaire engine: definitions, answers and scores as plain data (no database)."""

import copy
import json
from pathlib import Path

import pytest

from assessments import engine
from assessments.tests.factories import synthetic_odi, synthetic_zcq

BUNDLED = Path(engine.__file__).resolve().parent / "instruments"


def load(name: str) -> dict:
    return json.loads((BUNDLED / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["nprs", "psfs", "sshq"])
def test_the_bundled_instrument_files_are_valid(name):
    assert engine.validate_definition(load(name))["code"] == name


def test_synthetic_odi_and_zcq_definitions_are_valid():
    engine.validate_definition(synthetic_odi())
    engine.validate_definition(synthetic_zcq())
    engine.validate_definition(synthetic_zcq(satisfaction=False))


def _problems(definition) -> str:
    with pytest.raises(engine.DefinitionError) as error:
        engine.validate_definition(definition)
    return "\n".join(error.value.problems)


def _odi_with(change):
    definition = synthetic_odi()
    change(definition)
    return definition


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        pytest.param([], "one JSON object", id="not-an-object"),
        pytest.param(
            synthetic_odi(format="other/1"), 'format: must be "stride-instrument/1"', id="format"
        ),
        pytest.param(synthetic_odi(code="ODI!"), "code: must be lower-case", id="code"),
        pytest.param(synthetic_odi(version=""), "version: must be text", id="version"),
        pytest.param(
            synthetic_odi(scoring_rule="magic"), "scoring_rule: must be one of", id="rule"
        ),
        pytest.param(synthetic_odi(colour="red"), "unknown field(s) colour", id="unknown-field"),
        pytest.param(synthetic_odi(items=[]), "items: must be a non-empty list", id="no-items"),
        pytest.param(
            _odi_with(lambda d: d["items"].pop()),
            "the ODI has exactly 10 sections; this file has 9",
            id="odi-nine-sections",
        ),
        pytest.param(
            _odi_with(lambda d: d["items"][3]["options"].pop()),
            "ODI item s4: option values must be 0, 1, 2, 3, 4, 5",
            id="odi-missing-option",
        ),
        pytest.param(
            _odi_with(lambda d: d["items"][0]["options"][0].update(value="none")),
            "items[0].options[0]: value must be a whole number or true/false",
            id="option-value-text",
        ),
        pytest.param(
            _odi_with(lambda d: d["items"][0]["options"][0].update(label="")),
            "items[0].options[0]: label must be text",
            id="option-label-empty",
        ),
        pytest.param(
            _odi_with(lambda d: d["items"][1].update(key="s1")),
            "item keys must be different",
            id="duplicate-keys",
        ),
        pytest.param(
            _odi_with(lambda d: d["items"][2].update(text=42)),
            "items[2].text: must be text",
            id="item-text",
        ),
        pytest.param(
            synthetic_zcq(items=synthetic_zcq()["items"][1:]),
            'the ZCQ has exactly 7 items in group "severity"',
            id="zcq-short-severity",
        ),
    ],
)
def test_it_rejects_a_bad_definition_saying_where_and_why(definition, expected):
    assert expected in _problems(definition)


def test_it_reports_every_problem_at_once():
    definition = synthetic_odi(code="Bad Code", version="", title="")
    problems = _problems(definition)
    assert "code:" in problems and "version:" in problems and "title:" in problems


def test_an_sshq_needs_its_ten_screening_items():
    definition = load("sshq")
    definition["items"] = [i for i in definition["items"] if i["key"] != "q10"]
    assert 'exactly 10 items in group "screen"' in _problems(definition)


def test_an_nprs_scale_must_run_from_0_to_10():
    definition = load("nprs")
    definition["options"] = definition["options"][:10]
    assert "NPRS item back: option values must be 0, 1" in _problems(definition)


# --- Answers ----------------------------------------------------------------


def test_it_accepts_answers_that_are_options():
    assert engine.clean_answers(load("nprs"), {"back": 3, "leg": 7}) == {"back": 3, "leg": 7}


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({"back": 11, "leg": 7}, {"back": "Choose one of the answers shown."}),
        ({"back": -1, "leg": 7}, {"back": "Choose one of the answers shown."}),
        ({"back": "3", "leg": 7}, {"back": "Choose one of the answers shown."}),
        ({"back": True, "leg": 7}, {"back": "Choose one of the answers shown."}),
        ({"leg": 7}, {"back": "Please answer this question."}),
        (
            {"back": 3, "leg": 7, "neck": 2},
            {"neck": "This question is not part of the questionnaire."},
        ),
    ],
)
def test_it_rejects_answers_that_are_not_options(answers, errors):
    with pytest.raises(engine.AnswerError) as error:
        engine.clean_answers(load("nprs"), answers)
    assert error.value.errors == errors


def test_a_yes_no_answer_cannot_be_a_number():
    definition = load("sshq")
    answers = {item["key"]: False for item in definition["items"]}
    answers["q1"] = 1
    with pytest.raises(engine.AnswerError) as error:
        engine.clean_answers(definition, answers)
    assert error.value.errors == {"q1": "Choose one of the answers shown."}


def test_odi_sections_may_be_left_blank_and_score_from_the_rest():
    definition = synthetic_odi()
    answers = {f"s{n}": 2 for n in range(1, 10)}  # s10 blank
    cleaned = engine.clean_answers(definition, answers)
    assert cleaned["s10"] is None
    # docs/clinical-rules.md §4: 18 / 45 answered -> 40.0 %
    assert engine.score(definition, cleaned) == {"index": 40.0, "band": "moderate", "answered": 9}


def test_odi_with_too_many_blanks_has_no_score():
    definition = synthetic_odi()
    cleaned = engine.clean_answers(definition, {f"s{n}": 2 for n in range(1, 9)})
    assert engine.score(definition, cleaned)["index"] is None
    assert engine.score(definition, cleaned, odi_max_missing=2)["index"] == 40.0


def test_zcq_scores_each_part_and_leaves_out_satisfaction_when_not_asked():
    definition = synthetic_zcq()
    answers = {item["key"]: 2 for item in definition["items"] if item["group"] != "satisfaction"}
    scores = engine.score(definition, engine.clean_answers(definition, answers))
    assert scores == {"severity": 2.0, "function": 2.0}


def test_psfs_needs_one_named_and_rated_activity():
    definition = load("psfs")
    with pytest.raises(engine.AnswerError) as error:
        engine.clean_answers(definition, {})
    assert error.value.errors == {"activity_1": "Name at least one activity and rate it."}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"activity": "", "rating": 4}, "Name the activity you rated."),
        ({"activity": "Gardening", "rating": None}, "Rate this activity from 0 to 10."),
        ({"activity": "Gardening", "rating": 12}, "Rate this activity with a whole number"),
        ({"activity": "x" * 121, "rating": 2}, "at most 120 characters"),
    ],
)
def test_psfs_rejects_an_activity_that_is_half_answered(entry, message):
    with pytest.raises(engine.AnswerError) as error:
        engine.clean_answers(load("psfs"), {"activity_1": entry})
    assert message in error.value.errors["activity_1"]


def test_psfs_scores_the_mean_of_the_rated_activities():
    definition = load("psfs")
    answers = {
        "activity_1": {"activity": "Walking to the shops", "rating": 3},
        "activity_2": {"activity": "Gardening", "rating": 6},
    }
    scores = engine.score(definition, engine.clean_answers(definition, answers))
    assert scores == {"mean": 4.5, "count": 2}


def _sshq(yes=(), flags=()):
    definition = load("sshq")
    answers = {item["key"]: False for item in definition["items"]}
    answers.update({f"q{n}": True for n in yes})
    answers.update({f"red_flag_{sign}": True for sign in flags})
    return definition, engine.clean_answers(definition, answers)


def test_sshq_scores_suggests_lss_from_the_screening_items_only():
    definition, answers = _sshq(yes=(1, 2, 3, 4), flags=("saddle",))
    scores = engine.score(definition, answers)
    assert scores["suggests_lss"] is True
    assert scores["yes_count"] == 4
    assert scores["red_flags"] == ["saddle"]


def test_sshq_marks_the_bladder_item():
    definition, answers = _sshq(yes=(10,))
    scores = engine.score(definition, answers)
    assert scores["bladder_item"] is True and scores["suggests_lss"] is False


def test_the_explanation_never_says_you_have_stenosis():
    definition, answers = _sshq(yes=(1, 2, 3, 4))
    text = " ".join(engine.explain(definition, engine.score(definition, answers)))
    assert "talk to your clinician" in text
    assert "you have stenosis" not in text.lower()


def test_validation_does_not_change_the_definition():
    definition = synthetic_zcq()
    before = copy.deepcopy(definition)
    engine.validate_definition(definition)
    assert definition == before


def _odi_scores(total: int) -> tuple[dict, dict]:
    definition = synthetic_odi()
    answers = {f"s{n}": min(5, max(0, total - 5 * (n - 1))) for n in range(1, 11)}
    return definition, engine.score(definition, answers)


@pytest.mark.parametrize(
    ("total", "plain", "fairbank"),
    [
        pytest.param(10, "minimal", "minimal", id="20pct"),
        pytest.param(31, "very severe", "crippled", id="62pct"),
        pytest.param(45, "extreme", "bed-bound or exaggerating", id="90pct"),
    ],
)
def test_patients_read_plain_odi_words_and_clinicians_the_fairbank_band(total, plain, fairbank):
    definition, scores = _odi_scores(total)

    patient = " ".join(engine.explain(definition, scores))
    clinician = " ".join(engine.explain(definition, scores, audience="clinician"))

    assert f"({plain})" in patient
    assert not any(name in patient for name in ("crippled", "bed-bound", "exaggerat"))
    assert f"({fairbank}, Fairbank band)" in clinician
    assert "30 %" in patient and "30 %" in clinician


def test_the_odi_explanation_says_when_there_is_no_score():
    definition = synthetic_odi()
    scores = engine.score(definition, {"s1": 1})
    assert engine.explain(definition, scores) == [
        "Too many sections were left blank to give a score."
    ]


def test_an_unknown_audience_is_refused():
    definition, scores = _odi_scores(10)
    with pytest.raises(ValueError, match="Unknown audience"):
        engine.explain(definition, scores, audience="public")
