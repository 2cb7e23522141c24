"""The questionnaire engine: instrument definitions as data, answers checked against them,
scores from the rules in scoring.py.

Pure functions over plain data (no ORM, no Django), shared by the models' services, the
forms, the `load_instrument` command and the data migration's files. The file format is
documented in assessments/README.md.

An instrument definition is a dict:

    {"code", "version", "title", "scoring_rule", "items": [...], "options": [...]}

and each item is {"key", "text", "group"?, "options"?, "kind"?, "required"?, "anchors"?}.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import scoring

FORMAT = "stride-instrument/1"
RULES = ("nprs", "psfs", "sshq", "odi", "zcq")
KIND_CHOICE = "choice"
KIND_ACTIVITY = "activity"  # PSFS: the patient names an activity and rates it 0-10

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_KEY = re.compile(r"^[a-z0-9_]{1,40}$")
_TOP_KEYS = {
    "format",
    "code",
    "version",
    "title",
    "short_title",
    "instructions",
    "scoring_rule",
    "licence_note",
    "source",
    "options",
    "items",
}
_ITEM_KEYS = {"key", "text", "group", "options", "kind", "required", "anchors", "help"}
_OPTION_KEYS = {"value", "label"}
_ACTIVITY_MAX_LENGTH = 120


class DefinitionError(ValueError):
    """An instrument file that cannot be loaded; `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


# --- Definitions ------------------------------------------------------------


@dataclass
class _Checker:
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else message)


def _text(value: Any, *, max_length: int) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= max_length


def _check_options(options: Any, where: str, check: _Checker) -> list[Any]:
    if not isinstance(options, list) or not options:
        check.add(where, "options must be a non-empty list of {value, label}.")
        return []
    values = []
    for index, option in enumerate(options):
        here = f"{where}[{index}]"
        if not isinstance(option, dict):
            check.add(here, "each option must be an object with a value and a label.")
            continue
        extra = sorted(set(option) - _OPTION_KEYS)
        if extra:
            check.add(here, f"unknown field(s) {', '.join(extra)}.")
        value = option.get("value")
        if isinstance(value, bool) or (isinstance(value, int) and not isinstance(value, bool)):
            values.append(value)
        else:
            check.add(here, "value must be a whole number or true/false.")
        if not _text(option.get("label"), max_length=500):
            check.add(here, "label must be text of at most 500 characters.")
    if len(set(map(repr, values))) != len(values):
        check.add(where, "option values must be different from each other.")
    return values


def _item_values(item: dict, default_values: list[Any]) -> list[Any]:
    options = item.get("options")
    if options is None:
        return default_values
    return [option.get("value") for option in options if isinstance(option, dict)]


def validate_definition(data: Any) -> dict:
    """Check an instrument definition strictly; returns it or raises DefinitionError.

    Every problem is reported at once, each with where it is ("items[3].options: ...").
    """
    check = _Checker()
    if not isinstance(data, dict):
        raise DefinitionError(["The file must hold one JSON object."])
    extra = sorted(set(data) - _TOP_KEYS)
    if extra:
        check.add("", f"unknown field(s) {', '.join(extra)}.")
    if data.get("format") != FORMAT:
        check.add("format", f'must be "{FORMAT}".')
    if not isinstance(data.get("code"), str) or not _CODE.match(data["code"]):
        check.add("code", "must be lower-case letters, digits and hyphens, e.g. odi.")
    if not _text(data.get("version"), max_length=20):
        check.add("version", "must be text of at most 20 characters, e.g. 2.1a.")
    if not _text(data.get("title"), max_length=200):
        check.add("title", "must be text of at most 200 characters.")
    for name, limit in (("short_title", 60), ("instructions", 5000), ("source", 2000)):
        if name in data and not (isinstance(data[name], str) and len(data[name]) <= limit):
            check.add(name, f"must be text of at most {limit} characters.")
    if "licence_note" in data and not (
        isinstance(data["licence_note"], str) and len(data["licence_note"]) <= 2000
    ):
        check.add("licence_note", "must be text of at most 2000 characters.")
    rule = data.get("scoring_rule")
    if rule not in RULES:
        check.add("scoring_rule", f"must be one of {', '.join(RULES)}.")

    default_values: list[Any] = []
    if "options" in data and data["options"] != []:
        default_values = _check_options(data["options"], "options", check)

    items = data.get("items")
    if not isinstance(items, list) or not items:
        check.add("items", "must be a non-empty list.")
        raise DefinitionError(check.problems)
    keys = []
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if not isinstance(item, dict):
            check.add(where, "each item must be an object.")
            continue
        extra = sorted(set(item) - _ITEM_KEYS)
        if extra:
            check.add(where, f"unknown field(s) {', '.join(extra)}.")
        key = item.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            check.add(f"{where}.key", "must be lower-case letters, digits and _.")
        else:
            keys.append(key)
        if not _text(item.get("text"), max_length=2000):
            check.add(f"{where}.text", "must be text of at most 2000 characters.")
        if item.get("kind", KIND_CHOICE) not in (KIND_CHOICE, KIND_ACTIVITY):
            check.add(f"{where}.kind", f'must be "{KIND_CHOICE}" or "{KIND_ACTIVITY}".')
        if "group" in item and not (isinstance(item["group"], str) and _KEY.match(item["group"])):
            check.add(f"{where}.group", "must be lower-case letters, digits and _.")
        if "required" in item and not isinstance(item["required"], bool):
            check.add(f"{where}.required", "must be true or false.")
        if "anchors" in item and not (
            isinstance(item["anchors"], dict)
            and set(item["anchors"]) <= {"low", "high"}
            and all(_text(v, max_length=200) for v in item["anchors"].values())
        ):
            check.add(f"{where}.anchors", 'must be {"low": text, "high": text}.')
        if "help" in item and not _text(item["help"], max_length=1000):
            check.add(f"{where}.help", "must be text of at most 1000 characters.")
        if "options" in item:
            _check_options(item["options"], f"{where}.options", check)
        elif not default_values:
            check.add(where, "has no options and the instrument has no shared options.")
    if len(set(keys)) != len(keys):
        check.add("items", "item keys must be different from each other.")

    if rule in RULES and not check.problems:
        _RULE_CHECKS[rule](items, default_values, check)
    if check.problems:
        raise DefinitionError(check.problems)
    return data


def _groups(items: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(item.get("group", ""), []).append(item)
    return groups


def _expect_values(items, default_values, expected, label, check: _Checker) -> None:
    for index, item in enumerate(items):
        values = _item_values(item, default_values)
        if sorted(map(repr, values)) != sorted(map(repr, expected)):
            shown = ", ".join(str(v).lower() for v in expected)
            check.add(f"{label} item {item.get('key', index)}", f"option values must be {shown}.")


def _check_nprs(items, default_values, check: _Checker) -> None:
    # docs/clinical-rules.md §4: NPRS is a 0-10 rating.
    if any(item.get("kind", KIND_CHOICE) != KIND_CHOICE for item in items):
        check.add("items", "NPRS items are 0-10 choices.")
    _expect_values(items, default_values, list(range(11)), "NPRS", check)


def _check_psfs(items, default_values, check: _Checker) -> None:
    # docs/clinical-rules.md §4: up to 5 activities, each rated 0 (unable) to 10.
    if not 1 <= len(items) <= scoring.PSFS_MAX_ACTIVITIES:
        check.add("items", "the PSFS has 1 to 5 activity items.")
    if any(item.get("kind") != KIND_ACTIVITY for item in items):
        check.add("items", 'PSFS items must have "kind": "activity".')
    _expect_values(items, default_values, list(range(11)), "PSFS", check)


def _check_sshq(items, default_values, check: _Checker) -> None:
    # docs/clinical-rules.md §5: ten yes/no items (group "screen"), in the published order; optional
    # red-flag questions (docs/clinical-rules.md §6) in group "red_flag" are asked but not scored.
    groups = _groups(items)
    extra = sorted(set(groups) - {"screen", "red_flag"})
    if extra:
        check.add("items", f'SSHQ groups are "screen" and "red_flag", not {", ".join(extra)}.')
    if len(groups.get("screen", [])) != scoring.SSHQ_ITEMS:
        check.add("items", 'the SSHQ has exactly 10 items in group "screen".')
    _expect_values(items, default_values, [True, False], "SSHQ", check)


def _check_odi(items, default_values, check: _Checker) -> None:
    # docs/clinical-rules.md §4: 10 sections scored 0-5.
    if len(items) != scoring.ODI_SECTIONS:
        check.add("items", f"the ODI has exactly 10 sections; this file has {len(items)}.")
    _expect_values(items, default_values, list(range(6)), "ODI", check)


def _check_zcq(items, default_values, check: _Checker) -> None:
    # docs/clinical-rules.md §4: severity 7 items 1-5, function 5 items 1-4, satisfaction 6
    # items 1-4 (asked after treatment only, so a clinic may leave that part out).
    groups = _groups(items)
    extra = sorted(set(groups) - set(scoring.ZCQ_SUBSCALES))
    if extra:
        check.add("items", f"ZCQ groups are severity, function, satisfaction; not {extra}.")
    for name, (count, lowest, highest, _label) in scoring.ZCQ_SUBSCALES.items():
        part = groups.get(name, [])
        if name == "satisfaction" and not part:
            continue
        if len(part) != count:
            check.add("items", f'the ZCQ has exactly {count} items in group "{name}".')
        _expect_values(part, default_values, list(range(lowest, highest + 1)), "ZCQ", check)


_RULE_CHECKS = {
    "nprs": _check_nprs,
    "psfs": _check_psfs,
    "sshq": _check_sshq,
    "odi": _check_odi,
    "zcq": _check_zcq,
}


# --- Answers ----------------------------------------------------------------


def item_options(definition: Mapping, item: Mapping) -> list[dict]:
    return list(item.get("options") or definition.get("options") or [])


def item_required(definition: Mapping, item: Mapping) -> bool:
    """Whether an item must be answered. ODI and ZCQ tolerate blanks (see the scorers)."""
    if "required" in item:
        return item["required"]
    rule = definition["scoring_rule"]
    if rule in ("odi", "zcq"):
        return False
    if rule == "psfs":
        # At least one activity: the first slot is the one that must be filled.
        return item["key"] == definition["items"][0]["key"]
    return True


class AnswerError(ValueError):
    """Answers that do not fit the instrument; `errors` maps item keys to plain words."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def clean_answers(definition: Mapping, answers: Mapping) -> dict:
    """Answers keyed by item key, each one of that item's option values (or None if blank).

    Activity items (PSFS) take {"activity": text, "rating": 0-10}. Unknown keys, values that
    are not options and blanks in required items raise AnswerError.
    """
    if not isinstance(answers, Mapping):
        raise AnswerError({"": "The answers are missing."})
    errors: dict[str, str] = {}
    items = definition["items"]
    known = {item["key"] for item in items}
    for key in answers:
        if key not in known:
            errors[str(key)] = "This question is not part of the questionnaire."
    cleaned: dict[str, Any] = {}
    for item in items:
        key = item["key"]
        raw = answers.get(key)
        values = [option["value"] for option in item_options(definition, item)]
        if item.get("kind") == KIND_ACTIVITY:
            cleaned[key] = _clean_activity(definition, item, raw, values, errors)
            continue
        if raw is None:
            if item_required(definition, item):
                errors[key] = "Please answer this question."
            cleaned[key] = None
            continue
        # `True == 1` in Python: compare types too, so "yes" never passes as a score of 1.
        if not any(type(raw) is type(value) and raw == value for value in values):
            errors[key] = "Choose one of the answers shown."
            continue
        cleaned[key] = raw
    if errors:
        raise AnswerError(errors)
    return cleaned


def _clean_activity(definition, item, raw, values, errors) -> dict | None:
    key = item["key"]
    if raw is None or raw == {"activity": "", "rating": None}:
        if item_required(definition, item):
            errors[key] = "Name at least one activity and rate it."
        return None
    if not isinstance(raw, Mapping) or set(raw) - {"activity", "rating"}:
        errors[key] = "Name the activity and rate it from 0 to 10."
        return None
    activity = (raw.get("activity") or "").strip()
    rating = raw.get("rating")
    if not activity and rating is None:
        if item_required(definition, item):
            errors[key] = "Name at least one activity and rate it."
        return None
    if not activity:
        errors[key] = "Name the activity you rated."
        return None
    if len(activity) > _ACTIVITY_MAX_LENGTH:
        errors[key] = f"Describe the activity in at most {_ACTIVITY_MAX_LENGTH} characters."
        return None
    if rating is None:
        errors[key] = "Rate this activity from 0 to 10."
        return None
    if not any(type(rating) is type(value) and rating == value for value in values):
        errors[key] = "Rate this activity with a whole number from 0 to 10."
        return None
    return {"activity": activity, "rating": rating}


# --- Scores -----------------------------------------------------------------


def score(
    definition: Mapping,
    answers: Mapping,
    *,
    odi_max_missing: int = 1,
    zcq_max_missing: int = scoring.ZCQ_DEFAULT_MAX_MISSING,
) -> dict:
    """Scores for cleaned answers, as stored on an administration (JSON-ready)."""
    rule = definition["scoring_rule"]
    items = definition["items"]
    if rule == "nprs":
        return {item["key"]: scoring.score_nprs(answers[item["key"]]) for item in items}
    if rule == "psfs":
        rated = [answers[item["key"]] for item in items if answers.get(item["key"])]
        return {
            "mean": scoring.score_psfs([entry["rating"] for entry in rated]),
            "count": len(rated),
        }
    if rule == "sshq":
        screen = [answers[item["key"]] for item in items if item.get("group") == "screen"]
        flags = [item["key"] for item in items if item.get("group") == "red_flag"]
        return {
            "suggests_lss": scoring.score_sshq(screen),
            "yes_count": sum(screen),
            "bladder_item": scoring.sshq_bladder_red_flag(screen),
            # Red-flag signs by name ("red_flag_bladder" -> "bladder"), as patients.RedFlagReport
            # names them (docs/clinical-rules.md §6).
            "red_flags": [
                key.removeprefix("red_flag_") for key in flags if answers.get(key) is True
            ],
        }
    if rule == "odi":
        sections = [answers.get(item["key"]) for item in items]
        index = scoring.score_odi(sections, max_missing=odi_max_missing)
        return {
            "index": index,
            "band": scoring.odi_band(index) if index is not None else None,
            "answered": sum(1 for value in sections if value is not None),
        }
    if rule == "zcq":
        parts: dict[str, list] = {}
        for item in items:
            parts.setdefault(item["group"], []).append(answers.get(item["key"]))
        # docs/clinical-rules.md §4: satisfaction is asked after treatment only; all blank =
        # not asked.
        if "satisfaction" in parts and all(v is None for v in parts["satisfaction"]):
            del parts["satisfaction"]
        return scoring.score_zcq(parts, max_missing=zcq_max_missing)
    raise ValueError(f"Unknown scoring rule: {rule!r}.")


AUDIENCES = ("patient", "clinician")


def explain(definition: Mapping, scores: Mapping, *, audience: str = "patient") -> list[str]:
    """Plain sentences about what the score means, for a patient (the default) or for a
    clinician. They differ for the ODI only: clinicians read the Fairbank band names,
    patients plain words (docs/clinical-rules.md §4)."""
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown audience: {audience!r}.")
    rule = definition["scoring_rule"]
    if rule == "nprs":
        return [
            f"{_nprs_label(key)}: {value} out of 10 (0 means no pain, 10 the worst pain "
            "you can imagine). A change of 2 points or more is one you would usually notice."
            for key, value in scores.items()
        ]
    if rule == "psfs":
        return [
            f"Your activity score is {scores['mean']} out of 10, the average of "
            f"{scores['count']} activit{'y' if scores['count'] == 1 else 'ies'} you rated "
            "(0 means unable to do it, 10 means as well as before your back problem). "
            "A rise of about 2 points is a change you would usually notice."
        ]
    if rule == "sshq":
        if scores["suggests_lss"]:
            lines = [
                "Your answers are like those of many people who have lumbar spinal stenosis. "
                "This quiz cannot tell whether you have it: please talk to your clinician."
            ]
        else:
            lines = [
                "Your answers do not match the usual pattern of lumbar spinal stenosis. "
                "This quiz cannot rule it out: if walking is getting harder, talk to your "
                "clinician."
            ]
        return lines
    if rule == "odi":
        index = scores["index"]
        if index is None:
            return ["Too many sections were left blank to give a score."]
        if audience == "clinician":
            return [
                f"Disability index {index} % ({scoring.odi_band(index)}, Fairbank band). "
                "Lower is better; a fall of 10 points, or of 30 % of the baseline if that "
                "comes first, is a meaningful improvement (Ostelo 2008)."
            ]
        # docs/clinical-rules.md §4: patients never see "crippled" or "bed-bound or
        # exaggerating"; the band is said in plain words.
        return [
            f"Your disability score is {index} % ({scoring.odi_band_plain(index)}). Lower "
            "is better; a fall of 10 points, or of 30 % of your first score if that is "
            "less, is a change you would usually notice."
        ]
    if rule == "zcq":
        lines = []
        for name, value in scores.items():
            label = scoring.ZCQ_SUBSCALES[name][3]
            if value is None:
                lines.append(f"{label.capitalize()}: too many questions left blank to score.")
            else:
                lines.append(f"{label.capitalize()}: {value:.2f} (lower is better).")
        return lines
    return []


def _nprs_label(key: str) -> str:
    return {"back": "Back pain", "leg": "Leg pain"}.get(key, key.replace("_", " ").capitalize())
