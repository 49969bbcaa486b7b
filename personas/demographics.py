"""What group columns mean: which one is gender, age or country, and their values as people write them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from vocabulary import GENDER_WORDS

_GENDER_NAMES = ("gender", "sex")
_AGE_NAMES = ("age", "age_group", "age_bracket", "agegroup", "age_range", "ageGroup")
_COUNTRY_NAMES = ("country", "country_code", "nation", "countryCode")

# Data codes ("F", "M", "W") on top of the shared gender words.
_GENDER_WORDS = {**GENDER_WORDS, "f": "female", "w": "female", "m": "male"}


@dataclass(frozen=True)
class Roles:
    """Which group column plays which demographic role (None when the data has no such column)."""

    gender: str | None = None
    age: str | None = None
    country: str | None = None


def detect_roles(columns: Sequence[str], overrides: Mapping[str, str | None] | None = None) -> Roles:
    lowered = {c.lower(): c for c in columns}

    def find(names: Sequence[str]) -> str | None:
        return next((lowered[n.lower()] for n in names if n.lower() in lowered), None)

    roles = {"gender": find(_GENDER_NAMES), "age": find(_AGE_NAMES), "country": find(_COUNTRY_NAMES)}
    roles.update({k: v for k, v in (overrides or {}).items() if v})
    return Roles(**roles)


def gender_word(value: str | None) -> str | None:
    """'F' -> 'female', 'Male' -> 'male'; other values are kept as written (lower case)."""
    if value is None:
        return None
    return _GENDER_WORDS.get(value.strip().lower(), value.strip().lower())


@lru_cache(maxsize=512)
def country_name(value: str | None) -> str | None:
    """'BR' / 'BRA' / 'Brazil' -> 'Brazil'; unknown values are kept as written."""
    if value is None:
        return None
    import pycountry  # lazy: its database loads in ~0.1 s

    text = value.strip()
    try:
        country = pycountry.countries.lookup(text)
    except LookupError:
        return text
    return getattr(country, "common_name", None) or country.name


def country_code(value: str | None) -> str | None:
    """ISO alpha-2 code for a country value, when it is one."""
    if value is None:
        return None
    import pycountry

    try:
        return pycountry.countries.lookup(value.strip()).alpha_2
    except LookupError:
        return None


def age_bounds(label: str) -> tuple[int, int] | None:
    """'25-34' -> (25, 34); '65+' -> (65, 74); '<18' -> (13, 17); 'age18-24' -> (18, 24); '42' -> (42, 42)."""
    text = label.strip().lower().removeprefix("age")
    if m := re.fullmatch(r"(\d+)\s*[-–]\s*(\d+)", text):
        return int(m.group(1)), int(m.group(2))
    if m := re.fullmatch(r"(\d+)\s*(\+|-|\s*plus|\s*and over)", text):
        return int(m.group(1)), int(m.group(1)) + 9
    if m := re.fullmatch(r"(<|under\s*)(\d+)", text):
        hi = int(m.group(2)) - 1
        return min(13, hi), hi
    if m := re.fullmatch(r"(\d+)", text):
        return int(m.group(1)), int(m.group(1))
    return None


def gender_noun(gender: str | None, age: int | None) -> str:
    young = age is not None and age < 18
    if gender == "female":
        return "girl" if young else "woman"
    if gender == "male":
        return "boy" if young else "man"
    return "teen" if young else "person"
