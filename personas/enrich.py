"""Enrichment: from a thin persona (group + behaviour + statistics) to a full profile.

Every field is either read from the data (demographics, numbers, quotes) or generated
deterministically from the seed and the group (name, concrete age inside the bracket, avatar).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from . import formatting as fmt
from .avatar import avatar_data_uri, render_avatar
from .demographics import Roles, age_bounds, country_code, gender_noun
from .offensive import is_offensive
from .stats import PersonaStats
from .profile import Quote


def stable_seed(*parts: object) -> int:
    """A seed from values, identical in every process (Python's hash() of str is salted)."""
    return zlib.crc32("|".join(map(str, parts)).encode("utf-8"))


# ---------------------------------------------------------------------------- names


@lru_cache(maxsize=64)
def _locale_for(code: str | None) -> str:
    from faker.config import AVAILABLE_LOCALES  # lazy: Faker is only needed when naming

    if not code:
        return "en_US"
    matches = sorted(loc for loc in AVAILABLE_LOCALES if loc.endswith("_" + code))
    # Prefer a Latin-script English locale where one exists (en_IN, en_NG), then the country's own.
    english = [m for m in matches if m.startswith("en_")]
    return (english or matches or ["en_US"])[0]


@lru_cache(maxsize=64)
def _faker(locale: str):  # type: ignore[no-untyped-def]
    from faker import Faker

    return Faker(locale)


def person_name(gender: str | None, country: str | None, seed: int, taken: set[str]) -> str:
    """A realistic name for the gender and country, deterministic for the seed, not in ``taken``."""
    fake = _faker(_locale_for(country_code(country) if country else None))
    for attempt in range(200):
        fake.seed_instance(stable_seed(seed, attempt))
        romanized = hasattr(fake, "first_romanized_name")  # ja_JP: names people outside Japan can read
        if gender == "female":
            first = fake.first_romanized_name_female() if romanized else fake.first_name_female()
        elif gender == "male":
            first = fake.first_romanized_name_male() if romanized else fake.first_name_male()
        else:
            first = fake.first_romanized_name() if romanized else fake.first_name()
        last = fake.last_romanized_name() if romanized else fake.last_name()
        name = f"{first} {last}"
        if name not in taken:
            return name
    raise RuntimeError("could not find a unique name")  # pragma: no cover - 200 collisions do not happen


# ---------------------------------------------------------------------------- age


def concrete_age(label: str, median: float | None, observed: tuple[float, float] | None, seed: int) -> int | None:
    """A concrete age inside the bracket: the group's median age when the data has raw ages, else drawn."""
    bounds = age_bounds(label)
    if observed is not None:
        lo, hi = int(np.ceil(observed[0])), int(np.floor(observed[1]))
        bounds = (lo, hi) if bounds is None else (max(bounds[0], lo), min(bounds[1], hi))
    if bounds is None:
        return None
    lo, hi = bounds
    if median is not None and not np.isnan(median):
        return int(min(max(round(median), lo), hi))
    return int(np.random.default_rng(seed).integers(lo, hi + 1))


# ---------------------------------------------------------------------------- avatar


def avatar(gender: str | None, age: int | None, seed: int) -> str:
    return avatar_data_uri(render_avatar(gender, age, seed))


# ---------------------------------------------------------------------------- quotes


def pick_quotes(
    comments: pd.DataFrame | None,
    content_codes: Sequence[int],
    group: dict[str, str],
    content: pd.DataFrame,
    n: int,
) -> list[Quote]:
    """Real comments on the persona's top content, by commenters of the persona's group when the comments
    carry group columns, without offensive language; one per content item in rank order, then more."""
    if comments is None or comments.empty or n <= 0:
        return []
    pool = comments[comments["content_code"].isin(list(content_codes))]
    for col, value in group.items():
        if col in pool.columns:
            pool = pool[pool[col] == value]
    rank = {int(c): i for i, c in enumerate(content_codes)}
    per_content: dict[int, list[str]] = {}
    for code, text in zip(pool["content_code"].to_numpy(), pool["text"].to_numpy()):
        text = str(text).strip()
        if 8 <= len(text) <= 280 and not is_offensive(text):
            bucket = per_content.setdefault(int(code), [])
            if text not in bucket:
                bucket.append(text)
    quotes: list[Quote] = []
    seen: set[str] = set()
    depth = 0
    while len(quotes) < n and any(len(v) > depth for v in per_content.values()):
        for code in sorted(per_content, key=rank.__getitem__):
            texts = per_content[code]
            if depth < len(texts) and texts[depth] not in seen and len(quotes) < n:
                seen.add(texts[depth])
                quotes.append(Quote(texts[depth], str(content.at[code, "content_id"]), str(content.at[code, "title"])))
        depth += 1
    return quotes


# ---------------------------------------------------------------------------- description


def group_label(group: dict[str, str], roles: Roles, gender: str | None, country: str | None) -> str:
    parts = []
    for col, value in group.items():
        if col == roles.gender and gender:
            parts.append(gender)
        elif col == roles.country and country:
            parts.append(country)
        else:
            parts.append(value)
    return ", ".join(parts)


def describe(
    name: str,
    age: int | None,
    gender: str | None,
    country: str | None,
    label: str,
    stats: PersonaStats,
    count_name: str,
) -> str:
    """A short description written from the statistics by template; every number is one of the stats."""
    first = name.split()[0]
    noun = gender_noun(gender, age)
    pronoun = {"female": "Her", "male": "His"}.get(gender or "", "Their")
    who = f"{name} is a {age}-year-old {noun}" if age is not None else f"{name} is a {noun}"
    who += f" from {country}." if country else "."
    words = fmt.noun(count_name)
    users = f" ({fmt.count(stats.group_users)} people)" if stats.group_users is not None else ""
    parts = [
        who,
        f"{first} stands for the group {label}{users}, with {fmt.count(stats.group_interactions)} {words} "
        f"({fmt.share(stats.audience_share)} of all {words}).",
    ]
    if stats.topics:
        tops = sorted(stats.topics, key=lambda t: -t.lift)[:2] if len(stats.topics) > 2 else stats.topics
        topic_bits = [f"{t.topic} ({fmt.share(t.share)} of the group's {words}, {fmt.lift(t.lift)} the audience average)"
                      for t in tops]
        parts.append(f"{pronoun} group leans towards " + " and ".join(topic_bits) + ".")
    if stats.top_content:
        top = stats.top_content[0]
        parts.append(
            f"The item that defines this behaviour best in the group's data is \"{top.title}\" "
            f"({fmt.count(top.count)} {fmt.noun(count_name, top.count)} from the group)."
        )
    return " ".join(parts)
