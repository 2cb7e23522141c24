"""The time-zone menu: the clinic's region first in words, then every place by region."""

import zoneinfo

import pytest
from django import forms
from django.urls import reverse

from clinic import timezones
from clinic.timezones import TimeZoneField, timezone_choices, zone_label

SETTINGS = reverse("patients:preferences")


def values(choices) -> list[str]:
    flat = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.extend(v for v, _ in label)
        else:
            flat.append(value)
    return flat


def groups(choices) -> list[str]:
    return [value for value, label in choices if isinstance(label, list | tuple)]


def group(choices, name) -> list[tuple[str, str]]:
    return next(list(label) for value, label in choices if value == name)


def test_a_chicago_clinic_lists_its_region_first_in_the_words_people_use():
    choices = timezone_choices("America/Chicago", clinic_label="Same as the clinic")
    assert choices[0] == ("", "Same as the clinic: Central Time (Chicago)")
    assert groups(choices) == [
        "United States and Canada",
        *timezones.REGIONS,
        "Other",
    ]
    region = dict(group(choices, "United States and Canada"))
    assert region["America/Chicago"] == "Central Time (Chicago)"
    assert region["America/New_York"] == "Eastern Time (New York)"
    assert region["America/Toronto"] == "Eastern Time (Toronto)"
    assert 10 <= len(region) <= 25  # a short list, not America's 140 zones
    # the region's zones are not listed a second time under America
    assert "America/Chicago" not in dict(group(choices, "America"))


@pytest.mark.parametrize(
    ("clinic_zone", "first_group", "member"),
    [
        ("Europe/London", "United Kingdom and Ireland", "Europe/Dublin"),
        ("Australia/Perth", "Australia and New Zealand", "Australia/Sydney"),
        ("Europe/Berlin", "Germany", "Europe/Berlin"),
        ("America/Argentina/Buenos_Aires", "Argentina", "America/Argentina/Cordoba"),
        ("America/Menominee", "United States and Canada", "America/Menominee"),
    ],
)
def test_the_clinics_region_comes_first(clinic_zone, first_group, member):
    choices = timezone_choices(clinic_zone)
    assert groups(choices)[0] == first_group
    assert member in dict(group(choices, first_group))


def test_a_clinic_on_utc_has_no_region_and_starts_with_africa():
    choices = timezone_choices("UTC", clinic_label="Same as the clinic")
    assert choices[0] == ("", "Same as the clinic: UTC")
    assert groups(choices)[0] == "Africa"


def test_every_value_is_a_zone_once_and_no_alias_is_offered():
    known = zoneinfo.available_timezones()
    listed = values(timezone_choices("America/Chicago"))
    assert all(value in known for value in listed)
    assert len(listed) == len(set(listed))
    assert len(listed) < 450  # the ~600 names less their aliases
    aliases = ("Etc/", "US/", "SystemV/", "Canada/", "Brazil/", "Mexico/", "Chile/", "GMT")
    assert not [value for value in listed if value.startswith(aliases)]
    for alias in ("Asia/Calcutta", "America/Buenos_Aires", "Australia/NSW", "Europe/Kiev"):
        assert alias not in listed
    assert "UTC" in listed and "Asia/Kolkata" in listed and "Europe/Kyiv" in listed


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("America/Argentina/Buenos_Aires", "Buenos Aires (Argentina)"),
        ("America/Indiana/Knox", "Knox, Indiana (United States)"),
        ("Europe/Paris", "Paris (France)"),
        ("Asia/Seoul", "Seoul (South Korea)"),
        ("Europe/London", "UK time (London)"),
        ("America/Chicago", "Central Time (Chicago)"),
        ("UTC", "UTC"),
    ],
)
def test_zones_read_as_places(zone, label):
    assert zone_label(zone) == label


class ZoneForm(forms.Form):
    zone = TimeZoneField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = timezone_choices("America/Chicago")


@pytest.mark.parametrize(
    "stored", ["America/Chicago", "US/Central", "Asia/Calcutta", "Etc/GMT+6", "UTC", ""]
)
def test_any_zone_saved_before_still_validates(stored):
    form = ZoneForm({"zone": stored})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["zone"] == stored


@pytest.mark.parametrize("typed", ["Mars/Olympus", "america/chicago", "../../etc/passwd"])
def test_a_name_that_is_no_zone_is_refused_in_words(typed):
    form = ZoneForm({"zone": typed})
    assert form.errors["zone"] == ["Choose a time zone."]


def test_a_zone_saved_before_that_is_not_listed_stays_shown():
    choices = timezone_choices("America/Chicago", current="US/Central")
    assert ("US/Central", "US/Central") in choices


# --- Where the product offers a time zone -------------------------------------------------


def test_the_patients_settings_offer_the_clinics_region_first(patient, client_for):
    # The clinic factory's clinic is in Europe/London.
    page = client_for(patient.user).get(SETTINGS).content.decode()
    assert "Same as the clinic: UK time (London)" in page
    assert page.index('<optgroup label="United Kingdom and Ireland">') < page.index(
        '<optgroup label="Africa">'
    )
    assert "data-zone-search" in page
    assert "Etc/GMT" not in page


def test_a_patient_with_an_old_zone_name_keeps_it(patient, client_for):
    patient.timezone = "US/Central"
    patient.save()
    client = client_for(patient.user)
    page = client.get(SETTINGS).content.decode()
    assert '<option value="US/Central" selected>' in page
    response = client.post(
        SETTINGS,
        {"remind_at": "10:00", "weekdays": ["1"], "timezone_name": "US/Central"},
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.timezone == "US/Central"
