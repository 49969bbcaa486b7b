"""Persona search: a natural-language query against the personas of one set.

The query is read into constraints (retrieval/query.py). Who a persona is filters: gender, age (the persona's
age bracket must overlap the asked range, or its age lie in it when the set has no brackets), country, and
values of other group columns such as occupation. What the group does ranks: a topic counts by the group's
share of it relative to the persona that has the most of it, and when no hard constraint is given only
personas that over-index on an asked topic (lift above 1) are returned. "Biggest / smallest audience" ranks
by the group's interactions. Whatever the parser did not read (the residual) is embedded once; its
semantic match with a persona is the mean of two cosines: with the persona's search text (``query_profiles``:
description, topics, top content) and with the closest of its topic, content and quote facts (one query over
the set's facts collection). The profile alone is a weak signal (its text is mostly numbers), the closest fact
alone a noisy one; their mean found the expected persona for 28 of 40 content-word queries where the profile
alone found 20. With nothing else asked, a persona must be relevant (semantic match >= ``SEMANTIC_MIN``, or at
least ``LEXICAL_MIN`` of the residual's words, idf-weighted, in its topics, top-content titles or quotes) and
lie within ``SEMANTIC_MARGIN`` of the best one, so an unrelated query finds nothing instead of the least
unrelated persona.

Scores are a weighted mean of the parts that apply, each in [0, 1]: 1 per matched hard constraint, age fit
(1 when the persona's age is in range, else the share of its bracket inside the range) with weight 1, topic
fit with weight 2, audience size (size / largest, or smallest / size) with weight 2, and the cosine with
weight 1 when it is the only signal, else 0.5. Ties go to the bigger audience (the persona's rank), then id.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from personas import formatting as fmt
from personas.demographics import age_bounds, country_name, detect_roles, gender_word
from personas.errors import InputError
from personas.profile import Persona

from .query import AGE_MAX, QueryConstraints, parse_query
from .survey_search import rank_by_opinion, read_opinion

# all-MiniLM-L6-v2, measured on the demo set: of 86 queries made of title words ("videos about Index Funds"),
# 0.30 answers 52 (32 with the expected persona) and refuses 34; 0.25 answers 71 (38) and also answers
# unrelated queries ("opera", "birdwatching"). See benchmarks/search_quality.py.
SEMANTIC_MIN = 0.30
SEMANTIC_MARGIN = 0.10  # semantic-only queries: hits within this of the best one
LEXICAL_MIN = 0.5  # ... or at least half of the query's words (idf-weighted) in the persona's titles and topics
MAX_CHARS = 500

_W_HARD, _W_AGE, _W_TOPIC, _W_SORT, _W_SEM_ALONE, _W_SEM = 1.0, 1.0, 2.0, 2.0, 1.0, 0.5
_OCCUPATION_COLUMNS = re.compile(r"occupation|job|profession|role|work|employment", re.IGNORECASE)


@dataclass(frozen=True)
class SearchHit:
    persona_id: str
    name: str
    score: float  # in [0, 1], rounded to 4 decimals
    why: list[str] = field(default_factory=list)  # the attributes and facts that matched, numbers as in the data

    def to_json(self) -> dict[str, Any]:
        return {"persona_id": self.persona_id, "name": self.name, "score": self.score, "why": list(self.why)}


@dataclass(frozen=True)
class SearchResult:
    query: str  # the query as searched (truncated to max_chars when longer)
    hits: list[SearchHit]  # best first
    constraints: QueryConstraints
    message: str | None  # why there are no hits, or a note about the hits; None when all went as asked
    truncated: bool
    set_ref: str = ""  # 'demo@v1'

    def to_json(self) -> list[dict[str, Any]]:
        return [h.to_json() for h in self.hits]


@dataclass(frozen=True)
class _Columns:
    """Which group column holds what, for one set."""

    gender: str | None
    age: str | None
    country: str | None
    others: tuple[str, ...]  # occupation and any other group columns


def _columns(personas: Sequence[Persona]) -> _Columns:
    keys = list(dict.fromkeys(k for p in personas for k in p.group))
    roles = detect_roles(keys)

    def by_value(test: Any) -> str | None:  # a column whose value agrees with what the persona says, everywhere
        return next((k for k in keys if all(k in p.group and test(p, p.group[k]) for p in personas)), None)

    gender = roles.gender or by_value(lambda p, v: p.gender is not None and gender_word(v) == p.gender)
    country = roles.country or by_value(lambda p, v: p.country is not None and country_name(v) == p.country)
    age = roles.age or by_value(lambda p, v: p.age is not None and _bracket(v) is not None
                                and _bracket(v)[0] <= p.age <= _bracket(v)[1])  # type: ignore[index]
    others = tuple(k for k in keys if k not in (gender, country, age))
    return _Columns(gender, age, country, others)


def _bracket(label: str | None) -> tuple[int, int] | None:
    """An age bracket's bounds; open-ended brackets ('56+', '65 and over') have no upper limit."""
    if label is None:
        return None
    bounds = age_bounds(str(label))
    if bounds and re.search(r"\+|plus|over|older", str(label), re.IGNORECASE):
        return bounds[0], AGE_MAX
    return bounds


def _set_vocabulary(personas: Sequence[Persona], cols: _Columns) -> tuple[list[str], list[str], list[str]]:
    topics = list(dict.fromkeys(t for p in personas for t in p.topic_names))
    countries = list(dict.fromkeys(p.country for p in personas if p.country))
    values = list(dict.fromkeys(p.group[k] for p in personas for k in cols.others if k in p.group))
    return topics, countries, values


def search_personas(
    store: Any,
    query: str,
    k: int = 5,
    set_name: str | None = None,
    version: int | None = None,
    max_chars: int = MAX_CHARS,
) -> SearchResult:
    """Personas of a set (the active one by default) that match ``query``, best first; see the module doc."""
    if query is None or not str(query).strip():
        raise InputError('the search query is empty; say who you look for, e.g. "women over 45 who watch cooking"')
    if k < 1:
        raise InputError(f"-k must be at least 1, not {k}")
    text = " ".join(str(query).split())
    truncated = len(text) > max_chars
    if truncated:
        text = text[:max_chars]
    name, ver = store.resolve(set_name, version)
    ref = f"{name}@v{ver}"
    personas = store.personas(name, ver)
    cols = _columns(personas)
    topics, countries, values = _set_vocabulary(personas, cols)
    c = parse_query(text, topics, countries, values)

    def result(hits: list[SearchHit], message: str | None) -> SearchResult:
        return SearchResult(text, hits, c, message, truncated, ref)

    # a survey set: "people who think we spend too much on welfare" ranks by that answer's share
    opinion = read_opinion(text, personas, store.embed_query(text), store.embed)
    if opinion is not None:
        value_cols = _value_columns(c, personas, cols)
        chosen = [p for p in personas if _passes(p, c, cols, value_cols)]
        ranked = rank_by_opinion(chosen, opinion)
        if not ranked:
            return result([], f"no persona is {_describe(c, cols, personas)} in set {ref}")
        return result([SearchHit(p.id, p.name, s, why) for s, p, why in ranked[:k]], None)

    if c.is_empty:
        return result([], f'nothing in "{text}" can be searched for in set {ref}: name an age, gender, country, '
                          "topic, or what the people watch")

    missing = _missing_data(c, personas, cols)
    if missing:
        return result([], f"no persona is {_describe(c, cols, personas)} in set {ref}: the set has no {missing} data")

    value_cols = _value_columns(c, personas, cols)
    candidates = [p for p in personas if _passes(p, c, cols, value_cols)]
    if not candidates:
        return result([], f"no persona is {_describe(c, cols, personas)} in set {ref}")

    note = None
    over: list[Persona] = []
    if c.topics:
        over = [p for p in candidates if any(_topic(p, t) is not None and _topic(p, t).lift > 1 for t in c.topics)]
        if over:
            candidates = over
        elif c.has_hard or c.sort:
            note = f"none of the matching personas over-indexes on {fmt.join(c.topics, 'or')}; ranked by its share"
        elif not c.residual:
            return result([], f"no persona in set {ref} over-indexes on {fmt.join(c.topics, 'or')} (lift above 1)")

    matches: dict[str, _TextMatch] = {}
    if c.residual:
        matches = _text_matches(store, personas, c.residual, name, ver)
        if not (c.has_hard or c.sort or over):
            relevant = [p for p in candidates if matches[p.id].relevant]
            best = max((matches[p.id].semantic for p in relevant), default=0.0)
            candidates = [p for p in relevant if matches[p.id].semantic >= best - SEMANTIC_MARGIN]
            if not candidates:
                top = math.floor(max((m.semantic for m in matches.values()), default=0.0) * 100) / 100
                return result([], f'no persona in set {ref} matches "{c.residual}": none of its words is in their '
                                  f"topics or top content, and the best semantic match is {top:.2f} "
                                  f"(below {SEMANTIC_MIN:.2f})")

    top_share = {t: max((_topic(p, t).share for p in personas if _topic(p, t) is not None), default=0.0)
                 for t in c.topics}
    sizes = [p.stats.group_interactions for p in candidates]
    scored = []
    for p in candidates:
        score, why = _score(p, c, cols, value_cols, top_share, sizes, matches.get(p.id))
        scored.append((round(score, 4), p, why))
    scored.sort(key=lambda x: (-x[0], x[1].rank, x[1].id))
    hits = [SearchHit(p.id, p.name, s, why) for s, p, why in scored[:k]]
    return result(hits, note)


# ---------------------------------------------------------------------------------------------- filtering

def _missing_data(c: QueryConstraints, personas: Sequence[Persona], cols: _Columns) -> str | None:
    """The first asked attribute that no persona of the set carries."""
    if c.gender and not any(p.gender for p in personas):
        return "gender"
    if c.age and not any(p.age is not None or (cols.age and p.group.get(cols.age)) for p in personas):
        return "age"
    if c.countries and not any(p.country for p in personas):
        return "country"
    return None


def _value_columns(c: QueryConstraints, personas: Sequence[Persona], cols: _Columns) -> dict[str, set[str]]:
    """Asked group values by the column that holds them (values of one column: any of them)."""
    out: dict[str, set[str]] = {}
    for value in c.group_values:
        for col in cols.others:
            if any(p.group.get(col) == value for p in personas):
                out.setdefault(col, set()).add(value)
    return out


def _age_span(p: Persona, cols: _Columns) -> tuple[int, int] | None:
    bracket = _bracket(p.group.get(cols.age)) if cols.age else None
    if bracket:
        return bracket
    return (p.age, p.age) if p.age is not None else None


def _passes(p: Persona, c: QueryConstraints, cols: _Columns, value_cols: dict[str, set[str]]) -> bool:
    if c.gender and p.gender != c.gender:
        return False
    if c.countries and (p.country or "").casefold() not in {x.casefold() for x in c.countries}:
        return False
    if c.age:
        span = _age_span(p, cols)
        in_range = p.age is not None and c.age[0] <= p.age <= c.age[1]
        if not in_range and (span is None or span[1] < c.age[0] or span[0] > c.age[1]):
            return False
    return all(p.group.get(col) in wanted for col, wanted in value_cols.items())


def _topic(p: Persona, topic: str) -> Any:
    return next((t for t in p.stats.topics if t.topic == topic), None)


# ---------------------------------------------------------------------------------------------- text match

@dataclass(frozen=True)
class _TextMatch:
    semantic: float  # mean of the profile cosine and the best cosine among the persona's content/topic/quote facts
    lexical: float  # idf-weighted share of the residual's words found in the persona's topics, titles and quotes
    evidence: tuple[str, ...]  # where the words were found, for `why`

    @property
    def relevant(self) -> bool:
        return self.semantic >= SEMANTIC_MIN or self.lexical >= LEXICAL_MIN


_WORD = re.compile(r"[a-z0-9]+")
_FACT_TYPES = ["content", "topic", "quote"]
_MAX_FACTS = 300  # facts read for the semantic match: 10 per persona, at most this many


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "s", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _words(text: str) -> list[str]:
    from .query import STOPWORDS

    return [_stem(w) for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in STOPWORDS]


def _text_matches(
    store: Any, personas: Sequence[Persona], residual: str, name: str, version: int
) -> dict[str, _TextMatch]:
    vector = store.embed_query(residual)
    profile = dict(store.query_profiles(vector, name, version, len(personas)))
    best_fact: dict[str, float] = {}
    # One query over the set's facts; a persona absent from the top n scores at most the n-th similarity.
    # Capped: Chroma's top-n cost grows with n (top 2,000 of 100,000 facts took ~100 ms, top 600 ~40 ms).
    found = store.query_set_facts(name, version, vector, min(10 * len(personas), _MAX_FACTS), _FACT_TYPES,
                                  with_text=False)
    sims = [(str(fact.metadata["persona_id"]), sim) for fact, sim in found]
    for pid, sim in sims:
        best_fact[pid] = max(sim, best_fact.get(pid, -1.0))
    floor = min((sim for _, sim in sims), default=None)

    written = {}
    for w in _WORD.findall(residual.lower()):
        written.setdefault(_stem(w), w)
    wanted = list(dict.fromkeys(_words(residual)))
    texts = {p.id: _persona_texts(p) for p in personas}
    vocab = {pid: {w for _, t in items for w in _words(t)} for pid, items in texts.items()}
    n = len(personas)
    idf = {w: math.log((n + 1) / (sum(w in v for v in vocab.values()) + 0.5)) for w in wanted}
    total = sum(idf.values())
    out = {}
    for p in personas:
        prof = profile.get(p.id, 0.0)
        fact = best_fact.get(p.id, floor if floor is not None else prof)
        found = [w for w in wanted if w in vocab[p.id]]
        lexical = sum(idf[w] for w in found) / total if total > 0 else 0.0
        places: dict[tuple[str, str], list[str]] = {}
        for w in found:
            place = next((k, t) for k, t in texts[p.id] if w in _words(t))
            places.setdefault(place, []).append(written[w])
        evidence = [f'{kind} "{where}" has ' + ", ".join(f'"{w}"' for w in ws) for (kind, where), ws in places.items()]
        out[p.id] = _TextMatch(round((prof + fact) / 2, 4), round(lexical, 4), tuple(evidence))
    return out


def _persona_texts(p: Persona) -> list[tuple[str, str]]:
    return ([("topic", t) for t in p.topic_names] + [("top content", c.title) for c in p.stats.top_content]
            + [("quote", q.text) for q in p.quotes])


# ---------------------------------------------------------------------------------------------- scoring

def _score(
    p: Persona, c: QueryConstraints, cols: _Columns, value_cols: dict[str, set[str]],
    top_share: dict[str, float], sizes: list[float], match: _TextMatch | None,
) -> tuple[float, list[str]]:
    parts: list[tuple[float, float]] = []  # (weight, fit)
    why: list[str] = []
    noun = fmt.noun(p.count_name)
    if c.gender:
        parts.append((_W_HARD, 1.0))
        why.append(f"gender: {p.gender}")
    if c.age:
        span = _age_span(p, cols)
        label = p.group.get(cols.age) if cols.age else None
        lo, hi = c.age
        if p.age is not None and lo <= p.age <= hi:
            parts.append((_W_AGE, 1.0))
            why.append(f"age {p.age} in {label}" if label else f"age {p.age}")
        else:
            assert span is not None
            inside = min(span[1], hi) - max(span[0], lo) + 1
            parts.append((_W_AGE, max(0.0, inside / (span[1] - span[0] + 1))))
            why.append(f"age bracket {label} overlaps {c.age_phrase()}" + (f" (age {p.age})" if p.age else ""))
    if c.countries:
        parts.append((_W_HARD, 1.0))
        why.append(f"country: {p.country}")
    for col in value_cols:
        parts.append((_W_HARD, 1.0))
        why.append(f"{col}: {p.group[col]}")
    if c.topics:
        fits = []
        for t in c.topics:
            stat = _topic(p, t)
            if stat is None:
                fits.append(0.0)
                why.append(f"{t} is not among the group's top {len(p.stats.topics)} topics")
                continue
            fits.append(stat.share / top_share[t] if top_share.get(t) else 0.0)
            why.append(f"{t} is {fmt.share(stat.share)} of the group's {noun} (lift {fmt.lift(stat.lift)})")
        parts.append((_W_TOPIC, sum(fits) / len(fits)))
    if c.sort:
        size = p.stats.group_interactions
        if c.sort == "largest":
            fit = size / max(sizes) if max(sizes) > 0 else 0.0
            label = "biggest audience" if size == max(sizes) else "audience"
        else:
            fit = min(sizes) / size if size > 0 else 1.0
            label = "smallest audience" if size == min(sizes) else "audience"
        parts.append((_W_SORT, fit))
        why.append(f"{label}: {fmt.count(size)} {noun} ({fmt.share(p.stats.audience_share)})")
    if match is not None:
        alone = not parts
        parts.append((_W_SEM_ALONE if alone else _W_SEM, min(1.0, max(0.0, match.semantic))))
        why.append(f"semantic match {match.semantic:.2f}")
        if alone:  # words found in the content decide relevance only when nothing else was asked
            why.extend(match.evidence[:3])
    total = sum(w for w, _ in parts)
    score = sum(w * f for w, f in parts) / total if total else 0.0
    return min(1.0, max(0.0, score)), why


# ---------------------------------------------------------------------------------------------- messages

def _article(word: str) -> str:
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


def _describe(c: QueryConstraints, cols: _Columns, personas: Sequence[Persona]) -> str:
    """'a woman over 45 from Japan', 'a female programmer aged 25-34', 'from Brazil'."""
    value_cols = _value_columns(c, personas, cols)
    job = next((sorted(v) for col, v in value_cols.items() if _OCCUPATION_COLUMNS.search(col)), None)
    words: list[str] = []
    if job:
        noun = fmt.join(job, "or")
        words.append(_article(f"{c.gender} {noun}" if c.gender else noun))
    elif c.gender:
        words.append({"female": "a woman", "male": "a man"}.get(c.gender, _article(c.gender)))
    if c.age:
        words.append(c.age_phrase() or "")
    if c.countries:
        words.append(f"from {fmt.join(c.countries, 'or')}")
    for col, wanted in value_cols.items():
        if not (job and _OCCUPATION_COLUMNS.search(col)):
            words.append(f"with {col} {fmt.join(sorted(wanted), 'or')}")
    return " ".join(w for w in words if w) or "a match"
