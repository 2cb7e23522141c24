"""Time-zone menus: the clinic's region first, in words, then every place by region.

A raw list of the ~600 names zoneinfo knows buries a patient's zone among aliases (US/Central,
Etc/GMT+6, Asia/Calcutta). `timezone_choices` offers, in this order: the clinic's region
(for the US, Canada, the UK and Ireland, Australia and New Zealand a short list with the names
people use, "Central Time (Chicago)"; elsewhere the zones of the clinic's country), then one
group per region (Africa ... Pacific) labelled "Buenos Aires (Argentina)", then UTC.

The places are tzdata's `zone.tab` (one row per country's zone, no aliases), found on
zoneinfo's search path; without it, every zone of the eight regions. Any name zoneinfo knows
still validates (`TimeZoneField`): a zone saved before, or an alias, is never refused.
"""

import functools
import zoneinfo
from pathlib import Path

from django import forms

REGIONS = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
UTC = "UTC"

# The commonly used zones of the regions most clinics are in, in the words people use for them.
COMMON_ZONES = {
    "United States and Canada": (
        ("US", "CA"),
        (
            ("America/New_York", "Eastern Time (New York)"),
            ("America/Detroit", "Eastern Time (Detroit)"),
            ("America/Indiana/Indianapolis", "Eastern Time (Indianapolis)"),
            ("America/Toronto", "Eastern Time (Toronto)"),
            ("America/Chicago", "Central Time (Chicago)"),
            ("America/Winnipeg", "Central Time (Winnipeg)"),
            ("America/Regina", "Central Time, no daylight saving (Regina)"),
            ("America/Denver", "Mountain Time (Denver)"),
            ("America/Boise", "Mountain Time (Boise)"),
            ("America/Edmonton", "Mountain Time (Edmonton)"),
            ("America/Phoenix", "Mountain Time, no daylight saving (Phoenix)"),
            ("America/Los_Angeles", "Pacific Time (Los Angeles)"),
            ("America/Vancouver", "Pacific Time (Vancouver)"),
            ("America/Anchorage", "Alaska Time (Anchorage)"),
            ("Pacific/Honolulu", "Hawaii Time (Honolulu)"),
            ("America/Halifax", "Atlantic Time (Halifax)"),
            ("America/Puerto_Rico", "Atlantic Time (Puerto Rico)"),
            ("America/St_Johns", "Newfoundland Time (St. John's)"),
            ("America/Whitehorse", "Yukon Time (Whitehorse)"),
        ),
    ),
    "United Kingdom and Ireland": (
        ("GB", "IE"),
        (
            ("Europe/London", "UK time (London)"),
            ("Europe/Dublin", "Irish time (Dublin)"),
        ),
    ),
    "Australia and New Zealand": (
        ("AU", "NZ"),
        (
            ("Australia/Sydney", "Eastern Time (Sydney, Canberra)"),
            ("Australia/Melbourne", "Eastern Time (Melbourne)"),
            ("Australia/Hobart", "Eastern Time (Hobart)"),
            ("Australia/Brisbane", "Eastern Time, no daylight saving (Brisbane)"),
            ("Australia/Adelaide", "Central Time (Adelaide)"),
            ("Australia/Darwin", "Central Time, no daylight saving (Darwin)"),
            ("Australia/Perth", "Western Time (Perth)"),
            ("Pacific/Auckland", "New Zealand Time (Auckland)"),
        ),
    ),
}

# iso3166.tab's names that carry brackets, which would nest in "Seoul (Korea (South))".
COUNTRY_NAMES = {
    "AS": "American Samoa",
    "CC": "Cocos Islands",
    "CD": "DR Congo",
    "CG": "Republic of the Congo",
    "GB": "United Kingdom",
    "KP": "North Korea",
    "KR": "South Korea",
    "MF": "Saint Martin",
    "MM": "Myanmar",
    "SX": "Sint Maarten",
    "SZ": "Eswatini",
    "VG": "British Virgin Islands",
    "VI": "US Virgin Islands",
    "WS": "Samoa",
}


def timezone_choices(clinic_zone: str, *, current: str = "", clinic_label: str = "") -> list:
    """Grouped choices for a <select>: `clinic_label` (the empty value meaning "the clinic's
    zone"; left out when empty), a zone saved before that is not among the places (so the
    menu still shows it), the clinic's region, every region, UTC."""
    choices: list = []
    if clinic_label:
        choices.append(("", f"{clinic_label}: {zone_label(clinic_zone)}"))
    if current and current not in _listed(clinic_zone):
        choices.append((current, current.replace("_", " ")))
    return choices + [(group, list(zones)) for group, zones in _groups(clinic_zone)]


def zone_label(name: str) -> str:
    """ "Central Time (Chicago)" for a common zone, "Buenos Aires (Argentina)" for the rest."""
    common = _common_labels().get(name)
    if common:
        return common
    parts = name.split("/")
    if len(parts) == 1:
        return name
    city = parts[-1].replace("_", " ")
    within = [p.replace("_", " ") for p in parts[1:-1]]
    country = _countries().get(_zone_countries().get(name, ""), "")
    if country and country in within:
        within.remove(country)
    place = ", ".join([city, *within])
    if country:
        return f"{place} ({country})"
    return place if not within else f"{city} ({', '.join(within)})"


def is_zone(value: str) -> bool:
    """Any name zoneinfo knows, aliases included (the models' own validator's test)."""
    return value in _all_zones()


class TimeZoneField(forms.ChoiceField):
    """A time-zone menu that accepts any zoneinfo name, listed or not. Its <select> carries
    `data-zone-search`: static/js/patients.js adds a search box over it."""

    widget = forms.Select(attrs={"data-zone-search": ""})
    default_error_messages = {"invalid_choice": "Choose a time zone."}

    def valid_value(self, value) -> bool:
        return is_zone(str(value))


# --- The tables, read once ----------------------------------------------------------------


@functools.cache
def _groups(clinic_zone: str) -> tuple:
    first_name, first = _region_of(clinic_zone)
    taken = {zone for zone, _ in first}
    groups = [(first_name, first)] if first else []
    for region in REGIONS:
        zones = [
            (zone, zone_label(zone))
            for zone in _places()
            if zone.split("/")[0] == region and zone not in taken
        ]
        groups.append((region, tuple(sorted(zones, key=lambda choice: choice[1]))))
    groups.append(("Other", ((UTC, "UTC (Coordinated Universal Time)"),)))
    return tuple(groups)


def _listed(clinic_zone: str) -> set[str]:
    return {zone for _, zones in _groups(clinic_zone) for zone, _ in zones}


def _region_of(clinic_zone: str) -> tuple[str, tuple]:
    """The clinic's region: its common list, or the zones of its country."""
    country = _zone_countries().get(clinic_zone)
    for name, (countries, zones) in COMMON_ZONES.items():
        if country in countries or clinic_zone in dict(zones):
            listed = tuple((zone, label) for zone, label in zones if is_zone(zone))
            if clinic_zone not in dict(listed) and clinic_zone in _places():
                listed = ((clinic_zone, zone_label(clinic_zone)), *listed)
            return name, listed
    if not country:
        return "", ()
    zones = [(z, zone_label(z)) for z in _places() if _zone_countries().get(z) == country]
    return _countries().get(country, country), tuple(sorted(zones, key=lambda c: c[1]))


@functools.cache
def _common_labels() -> dict[str, str]:
    return {zone: label for _, zones in COMMON_ZONES.values() for zone, label in zones}


@functools.cache
def _all_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def _places() -> tuple[str, ...]:
    """The zones people live in: zone.tab's (no aliases), else every zone of a region."""
    listed = [zone for zone in _zone_countries() if zone in _all_zones()]
    if not listed:
        listed = [zone for zone in _all_zones() if zone.split("/")[0] in REGIONS]
    return tuple(sorted(z for z in listed if z.split("/")[0] in REGIONS))


@functools.cache
def _zone_countries() -> dict[str, str]:
    """zone.tab: zone name -> ISO country code."""
    rows = _tzdata_rows("zone.tab")
    return {row[2]: row[0] for row in rows if len(row) >= 3}


@functools.cache
def _countries() -> dict[str, str]:
    """iso3166.tab: ISO country code -> name, without brackets."""
    names = {row[0]: row[1] for row in _tzdata_rows("iso3166.tab") if len(row) >= 2}
    return {**names, **COUNTRY_NAMES}


def _tzdata_rows(name: str) -> list[list[str]]:
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            return [line.split("\t") for line in lines if line and not line.startswith("#")]
    return []
