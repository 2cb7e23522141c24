"""`manage.py load_instrument`: synthetic ODI/ZCQ texts only (the real wording is licensed)."""

import json

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Instrument
from assessments.tests.factories import synthetic_odi, synthetic_zcq


def write(tmp_path, data, name="instrument.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_it_loads_a_licensed_odi_for_one_clinic(tmp_path, clinic, capsys):
    call_command("load_instrument", write(tmp_path, synthetic_odi()), clinic=clinic.pk)
    odi = Instrument.objects.get(code="odi")
    assert odi.clinic == clinic and not odi.bundled and len(odi.items) == 10
    assert "Loaded Synthetic disability index version 2.1a" in capsys.readouterr().out


def test_it_loads_a_zcq_and_a_second_run_changes_nothing(tmp_path, clinic, capsys):
    path = write(tmp_path, synthetic_zcq())
    call_command("load_instrument", path, clinic=clinic.pk)
    call_command("load_instrument", path, clinic=clinic.pk)
    assert Instrument.objects.filter(code="zcq").count() == 1
    assert "already loaded" in capsys.readouterr().out


def test_each_clinic_loads_its_own_copy(tmp_path, clinic, other_clinic):
    path = write(tmp_path, synthetic_odi())
    call_command("load_instrument", path, clinic=clinic.pk)
    call_command("load_instrument", path, clinic=other_clinic.pk)
    assert Instrument.objects.filter(code="odi").count() == 2


def _odi_missing_section():
    data = synthetic_odi()
    data["items"].pop()
    return data


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON: line 1, column 2"),
        ("[]", "The file must hold one JSON object."),
        (_odi_missing_section(), "the ODI has exactly 10 sections; this file has 9"),
        (synthetic_odi(scoring_rule="sum"), "scoring_rule: must be one of"),
        (synthetic_zcq(code="ZCQ"), "code: must be lower-case"),
    ],
)
def test_a_bad_file_changes_nothing_and_says_why(tmp_path, clinic, content, message):
    with pytest.raises(CommandError) as error:
        call_command("load_instrument", write(tmp_path, content), clinic=clinic.pk)
    assert message in str(error.value)
    assert (
        "nothing changed" in str(error.value)
        or "not valid JSON" in str(error.value)
        or ("one JSON object" in str(error.value))
    )
    assert not Instrument.objects.filter(clinic=clinic).exists()


def test_a_changed_text_under_the_same_version_is_refused(tmp_path, clinic):
    call_command("load_instrument", write(tmp_path, synthetic_odi()), clinic=clinic.pk)
    changed = synthetic_odi()
    changed["items"][0]["text"] = "Another synthetic text"
    with pytest.raises(CommandError, match="new version"):
        call_command("load_instrument", write(tmp_path, changed, "b.json"), clinic=clinic.pk)
    assert Instrument.objects.get(clinic=clinic).items[0]["text"] == "Synthetic section 1"


def test_a_missing_file_or_clinic_is_a_clear_error(tmp_path, clinic):
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_instrument", str(tmp_path / "nope.json"), clinic=clinic.pk)
    with pytest.raises(CommandError, match="No clinic with id 999999"):
        call_command("load_instrument", write(tmp_path, synthetic_odi()), clinic=999999)


def test_a_file_that_is_not_utf8_is_refused(tmp_path, clinic):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"title": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("load_instrument", str(path), clinic=clinic.pk)
