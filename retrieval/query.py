"""Natural-language persona queries read into constraints: who (gender, age, country, group values such as
occupation), what (topics), which order (biggest or smallest audience), and what is left for semantic matching.

``parse_query("women over 45 in Germany who watch cooking", topics, countries)`` reads gender female, age
46 and over, country Germany, topic Cooking; the rest ("who watch") carries no meaning and the residual is
empty. Rules, in the order they apply (each consumes the words it read, so a word is read once):

* Superlatives: "biggest / largest / greatest / highest / most / top" or "smallest / least / fewest / lowest"
  followed within three words by audience, views, viewers, people, ratings, users, reach, ... sort by audience
  size; "most popular" / "least popular" too.
* Ages (inclusive ranges; ``AGE_MAX`` = 120 stands for no upper limit): "over 45" / "above 45" / "older than 45"
  -> 46+; "45+" / "45 and over" / "at least 45" -> 45+; "under 30" / "below 30" / "younger than 30" -> 0-29;
  "25-34" / "aged 25 to 34" / "between 25 and 34" -> 25-34; "aged 40" / "40 years old" -> 40-40; "in their
  20s" / "twenties" / "20s" -> 20-29 ("early" 20-23, "mid" 24-26, "late" 27-29); "teens" / "teenagers" ->
  13-19; "young" / "youth" -> 18-29; "middle-aged" -> 40-59; "seniors" / "older" / "elderly" -> 55+;
  "retired" / "retirees" / "pensioners" -> 65+ (unless the set has a group value "retired", as MovieLens'
  occupation does: then it is that group value).
* Group values (occupation and other non-demographic group columns): any value seen in the set, singular or
  plural ("students" -> student), and a few synonyms (``GROUP_SYNONYMS``: teachers -> educator, developers ->
  programmer, ...). Values that say nothing ("other", "none", "unknown") are never matched.
* Gender: women/woman/female/girls/ladies/moms/mothers/... -> female; men/man/male/guys/boys/dads/fathers/...
  -> male; "in her 30s" / "in his 30s" also say it. Both genders in one query -> no gender constraint.
* Countries: names ("Germany", "United States", "the UK", "South Korea"), demonyms (``DEMONYMS``: German,
  Brazilians, Filipina, ...), and ISO codes only as upper-case tokens ("US", "U.S.", "DE"; "us" and "in" are
  words; "usa" and "uk" are read in any case). Two-letter codes that are also common abbreviations ("IT", "AI",
  "TV", "HR", ...) and every code in a query written all in capitals are not read. Ambiguous names (Turkey, China, Jordan, Georgia, Chad, ...) only when capitalised. Values are
  the country as people write it (``personas.demographics.country_name``), spelt as in the set when it has it.
* Topics: the set's topic names, case-insensitive, with "-"/space variants and singular/plural ("sci-fi
  movies" -> Sci-Fi, "tech review" -> Tech Reviews), and ``TOPIC_SYNONYMS`` for topics the set has ("money" /
  "finance" -> Personal Finance, "gamers" -> Gaming, "science fiction" -> Sci-Fi). "moms" / "dads" /
  "parents" also hint Parenting when the set has that topic.

The residual is what is left once parsed words and words without meaning for a search (``STOPWORDS``:
"who", "watch", "people", "movies", ...) are removed; it is empty when nothing meaningful is left.
The module is pure: no I/O beyond pycountry's bundled database, loaded once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from vocabulary import DEMONYMS  # noqa: F401  (re-exported: benchmarks read the table from here)
from vocabulary import AMBIGUOUS_COUNTRY_NAMES, country_codes, demonym_forms, gender_forms

AGE_MAX = 120  # upper bound of an open-ended age range ("over 45" -> (46, 120))

Sort = Literal["largest", "smallest"]


@dataclass(frozen=True)
class QueryConstraints:
    """What a query asks for. Empty tuples and None mean "not asked"."""

    text: str
    gender: str | None = None  # 'female' | 'male'
    age: tuple[int, int] | None = None  # inclusive; hi == AGE_MAX: no upper limit
    countries: tuple[str, ...] = ()  # any of (OR)
    group_values: tuple[str, ...] = ()  # values of non-demographic group columns, as spelt in the set
    topics: tuple[str, ...] = ()  # topic names as spelt in the set
    sort: Sort | None = None  # order by audience size
    residual: str = ""  # what is left for semantic matching
    matched: tuple[tuple[str, str], ...] = field(default=())  # (words as written, what they were read as)

    @property
    def has_hard(self) -> bool:
        """Constraints that filter personas (topics, sort and residual only rank)."""
        return bool(self.gender or self.age or self.countries or self.group_values)

    @property
    def is_empty(self) -> bool:
        return not (self.has_hard or self.topics or self.sort or self.residual)

    def age_phrase(self) -> str | None:
        """The age range as words: 'over 45', 'under 30', 'aged 25-34', 'aged 40'."""
        if self.age is None:
            return None
        lo, hi = self.age
        if hi >= AGE_MAX:
            return f"over {lo - 1}" if lo > 0 else "of any age"
        if lo <= 0:
            return f"under {hi + 1}"
        return f"aged {lo}" if lo == hi else f"aged {lo}-{hi}"


# ---------------------------------------------------------------------------------------------- vocabulary

# The shared word tables (``vocabulary``); this module adds the possessive pronouns a query uses for a gender.
GENDER_WORDS = {g: (*gender_forms(g), pronoun) for g, pronoun in (("female", "her"), ("male", "his"))}
_PARENT_WORDS = {"moms", "mom", "mums", "mum", "mothers", "mother", "dads", "dad", "fathers", "father", "parents"}
# Upper-case tokens that are ISO codes but usually mean something else in a query.
_CODE_EXCEPTIONS = {"AI", "TV", "IT", "PR", "AM", "PM", "MA", "BA", "MS", "CV", "HR", "IO", "FM", "AS", "AT",
                    "BE", "BY", "DO", "GO", "IS", "ME", "MY", "NO", "SO", "TO", "OR", "AN", "ST", "UM", "IN"}

# Canonical topic (lower case) -> words that mean it. Used only for topics the set has.
TOPIC_SYNONYMS: dict[str, tuple[str, ...]] = {
    "personal finance": ("money", "finance", "finances", "financial", "investing", "investment", "investments",
                         "investors", "budgeting", "saving money", "savings", "savers", "personal finances"),
    "gaming": ("gamers", "gamer", "games", "video games", "videogames", "gameplay"),
    "cooking": ("cooks", "cook", "recipes", "recipe", "food", "baking", "chefs", "home cooks", "cuisine"),
    "fitness": ("workout", "workouts", "gym", "exercise", "exercising"),
    "sports": ("sport", "football", "soccer", "basketball", "athletes", "athletics"),
    "music": ("songs", "musicians", "singing", "beats"),
    "comedy": ("comedies", "funny", "humor", "humour", "jokes", "sketches", "stand-up"),
    "education": ("learning", "learners", "studying", "lessons", "educational", "tutorials", "explainers"),
    "beauty": ("makeup", "make-up", "skincare", "skin care", "cosmetics", "hair care"),
    "diy": ("do it yourself", "do-it-yourself", "woodworking", "crafts", "tinkering", "tinkerers"),
    "parenting": ("parents", "parent"),
    "science": ("scientific", "physics", "space", "astronomy"),
    "cars": ("car", "automotive", "vehicles", "motors"),
    "travel": ("traveling", "travelling", "travellers", "travelers", "traveller", "traveler", "trips",
               "tourism", "backpacking"),
    "tech reviews": ("tech", "technology", "gadgets", "gadget", "tech review", "smartphones"),
    "sci-fi": ("science fiction", "scifi"),
    "children's": ("children", "kids movies", "family movies", "kids films"),
    "horror": ("scary",),
    "romance": ("romantic", "romcoms", "rom-coms", "love stories"),
    "thriller": ("suspense",),
    "documentary": ("documentaries", "docs"),
    "animation": ("animated", "cartoons", "anime"),
    "film-noir": ("noir", "film noir"),
    "western": ("westerns", "cowboy"),
    "musical": ("musicals",),
    "mystery": ("mysteries", "whodunits"),
    "drama": ("dramas",),
    "adventure": ("adventures",),
}

# Group value (lower case) -> words that mean it. Used only for values the set has.
GROUP_SYNONYMS: dict[str, tuple[str, ...]] = {
    "educator": ("teachers", "teacher", "professors", "professor", "educators"),
    "programmer": ("coders", "coder", "developers", "developer", "software engineers", "software developers"),
    "homemaker": ("housewives", "housewife", "stay-at-home parents", "homemakers"),
    "retired": ("retirees", "retiree", "pensioners", "pensioner"),
    "healthcare": ("nurses", "nurse", "health care workers", "healthcare workers"),
    "salesman": ("salespeople", "sales people", "salesmen"),
    "marketing": ("marketers", "marketer"),
    "entertainment": ("actors", "entertainers"),
    "student": ("pupils", "college students", "university students"),
    "executive": ("managers", "execs"),
}
_GENERIC_VALUES = {"other", "others", "none", "unknown", "n/a", "na", "-", "", "all", "any", "misc"}

STOPWORDS = frozenset("""
a an the of in on at to for from with without by about into onto who whom whose which that what where when
and or but nor not no is are was were be been being am do does did have has had i me my we our you your they
them their theirs his her hers he she it its this these those there here all any some each every both such
like likes liked love loves loved enjoy enjoys enjoying enjoyed into fond keen prefer prefers mostly mainly
watch watches watching watched view viewing see sees follow follows following listen listens read reads
care cares caring interested interest interests passionate fan fans big huge really very much more lot lots
people person persons personas persona folks folk audience audiences viewers viewer users user group groups
segment segments someone somebody anyone anybody everyone those ones one type kind sort show shows find
movie movies film films video videos content stuff things thing channel channels clips tv
give list tell any please also just who's whos aged age ages year years old us lovers lover enthusiasts
enthusiast buffs addicts junkies heavy regular regulars mainly typical typically among amongst within
anything something everything nothing whatever topic topics related
""".split())

_EDGE_WORDS = {"from", "in", "of", "the", "a", "an", "and", "or", "with", "at", "on", "to", "for", "among", "aged",
               "living", "based", "who", "are", "is"}
_MEDIA_AFTER_DECADE = {"music", "movies", "movie", "films", "film", "songs", "hits", "style", "fashion", "tv",
                       "shows", "show", "cartoons", "games", "rock", "pop", "sitcoms", "classics", "era", "nostalgia"}

_DECADE_WORDS = {"teens": 10, "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
                 "seventies": 70, "eighties": 80}


# ---------------------------------------------------------------------------------------------- helpers

class _Text:
    """The query with the character spans already read masked out."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.used = [False] * len(text)
        self.matched: list[tuple[str, str]] = []

    def free(self, start: int, end: int) -> bool:
        return not any(self.used[start:end])

    def take(self, start: int, end: int, meaning: str) -> None:
        for i in range(start, end):
            self.used[i] = True
        self.matched.append((self.text[start:end], meaning))

    def finditer(self, pattern: re.Pattern[str]) -> Iterable[re.Match[str]]:
        for m in pattern.finditer(self.text):
            if m.end() > m.start() and self.free(m.start(), m.end()):
                yield m

    def residual(self) -> str:
        """The text not read, as written (stop words kept: sentence embeddings read them), or "" when it has
        no word that means anything for a search."""
        kept = "".join(" " if u else ch for ch, u in zip(self.text, self.used))
        words = re.findall(r"[\w][\w'&+.-]*", kept)
        if not any(len(w.strip(".'-")) > 1 and w.strip(".'-").lower() not in STOPWORDS
                   and not w.strip(".'-").isdigit() for w in words):
            return ""
        words = kept.split()
        while words and words[0].lower().strip(",;:.!?") in _EDGE_WORDS:  # "from" of "from <country>", ...
            words.pop(0)
        while words and words[-1].lower().strip(",;:.!?") in _EDGE_WORDS:
            words.pop()
        return " ".join(words).strip(" ,;:.!?-")


def _phrase_pattern(phrases: Iterable[str], flags: int = re.IGNORECASE) -> re.Pattern[str] | None:
    """One alternation, longest first; spaces and hyphens are interchangeable; whole words only."""
    alts = []
    for p in sorted(set(phrases), key=lambda s: (-len(s), s)):
        parts = [re.escape(x) for x in re.split(r"[\s-]+", p.strip()) if x]
        if parts:
            alts.append(r"[\s-]+".join(parts))
    if not alts:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])", flags)


def _norm(s: str) -> str:
    return re.sub(r"[\s-]+", " ", s.strip().lower())


def _plurals(word: str) -> set[str]:
    """'student' -> {'student', 'students'}; 'salesman' -> '...men'; 'activity' -> 'activities'; and back."""
    w = word.lower()
    out = {w}
    if w.endswith("man"):
        out.add(w[:-3] + "men")
    elif w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
        out.add(w[:-1] + "ies")
    elif w.endswith("ies") and len(w) > 4:
        out.add(w[:-3] + "y")  # 'documentaries' -> 'documentary'
    elif w.endswith(("s", "x", "ch", "sh")):
        out.add(w + "es")
        if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 4 and "'" not in w:
            out.add(w[:-1])  # 'reviews' -> 'review' (not 'news' -> 'new')
    else:
        out.add(w + "s")
    return out


def _topic_variants(topic: str) -> set[str]:
    base = topic.lower().replace("’", "'")
    forms = {base, base.replace("-", " "), base.replace("-", ""), base.replace("'s", ""), base.replace("'", "")}
    out = set()
    for f in forms:
        f = f.strip()
        if not f:
            continue
        words = f.split()
        for last in _plurals(words[-1]):
            out.add(" ".join([*words[:-1], last]))
    return out


def _country_table() -> dict[str, str]:
    """lower-case name -> alpha-2 (the shared table)."""
    return country_codes()


@lru_cache(maxsize=1)
def _country_pattern() -> re.Pattern[str]:
    names = set(_country_table())
    names.update(f"the {n}" for n in ("us", "usa", "uk", "u.s.", "u.s.a.", "u.k.", "states", "united states",
                                       "united kingdom", "netherlands", "philippines"))
    alts = sorted(names, key=lambda s: (-len(s), s))
    body = "|".join(r"\s+".join(re.escape(w) for w in n.split()) for n in alts)
    return re.compile(r"(?<![\w.])(?:" + body + r")(?![\w])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _demonym_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    forms = demonym_forms()
    pattern = _phrase_pattern(forms)
    assert pattern is not None
    return pattern, forms


@lru_cache(maxsize=512)
def _country_value(code: str) -> str:
    from personas.demographics import country_name

    return country_name(code) or code


@lru_cache(maxsize=1)
def _iso_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


# ---------------------------------------------------------------------------------------------- patterns

_N = r"(\d{1,3})"
_YEARS = r"(?:\s*(?:years?(?:[\s-]+old)?|yrs?|y/?o))?"
_SUPERLATIVE = re.compile(
    r"(?<![\w])(?:(?P<large>biggest|largest|greatest|highest|most|top|widest)|"
    r"(?P<small>smallest|least|fewest|lowest|tiniest))"
    r"(?:\s+[\w'-]+){0,3}?\s+(?:audiences?|views|viewers|people|ratings|interactions|users|reach|share|"
    r"following|followers|watchers|members|viewership|popular|traffic|size)(?![\w])"
    r"|(?<![\w])(?P<pop>most|least)\s+popular(?![\w])",
    re.IGNORECASE,
)
_AGE_RANGE = re.compile(
    r"(?<![\w])(?:(?:aged?|ages)\s+(?:between\s+)?|between\s+)?" + _N
    + r"\s*(?:-|–|—|to|and)\s*" + _N + _YEARS + r"(?![\w])",
    re.IGNORECASE,
)
_AGE_OVER = re.compile(r"(?<![\w])(?:over|above|older\s+than)\s+(?:the\s+age\s+of\s+|age\s+)?" + _N + _YEARS
                       + r"(?![\w])", re.IGNORECASE)
_AGE_PLUS = re.compile(r"(?<![\w])(?:(?:aged?\s+)?" + _N + r"\s*(?:\+|plus\b|and\s+(?:over|older|up|above)\b)"
                       r"|at\s+least\s+" + _N + _YEARS + r"(?![\w]))", re.IGNORECASE)
_AGE_UNDER = re.compile(r"(?<![\w])(?:under|below|younger\s+than|less\s+than)\s+(?:the\s+age\s+of\s+|age\s+)?"
                        + _N + _YEARS + r"(?![\w])", re.IGNORECASE)
_AGE_EXACT = re.compile(r"(?<![\w])(?:aged?\s+" + _N + r"(?![\w])|" + _N
                        + r"(?:[\s-]+years?[\s-]+old|[\s-]+year[\s-]+olds?|\s*y/?o)(?![\w]))", re.IGNORECASE)
_DECADE = re.compile(
    r"(?<![\w])(?:in\s+(?P<pron>their|his|her|the)\s+)?(?:(?P<part>early|mid|late)[\s-]*)?"
    r"(?:(?P<num>[1-8]0)'?s|(?P<word>teens|twenties|thirties|forties|fifties|sixties|seventies|eighties))"
    r"(?![\w])",
    re.IGNORECASE,
)
_AGE_WORDS: tuple[tuple[re.Pattern[str], tuple[int, int]], ...] = (
    (re.compile(r"(?<![\w])middle[\s-]*aged(?![\w])", re.IGNORECASE), (40, 59)),
    (re.compile(r"(?<![\w])(?:teen(?:s|agers?|age)?)(?![\w])", re.IGNORECASE), (13, 19)),
    (re.compile(r"(?<![\w])(?:young(?:er)?(?:\s+(?:adults?|people))?|youth|youngsters?)(?![\w])", re.IGNORECASE),
     (18, 29)),
    (re.compile(r"(?<![\w])(?:retired|retirees?|pensioners?)(?![\w])", re.IGNORECASE), (65, AGE_MAX)),
    (re.compile(r"(?<![\w])(?:seniors?|elderly|older(?:\s+(?:adults?|people))?|old\s+people)(?![\w])",
                re.IGNORECASE), (55, AGE_MAX)),
)
_ISO_TOKEN = re.compile(r"(?<![\w.])(?:U\.S\.A\.|U\.S\.|U\.K\.|USA|UK|[A-Z]{2})(?![\w])")


def _age_ok(*values: int) -> bool:
    return all(0 < v <= AGE_MAX for v in values)


# ---------------------------------------------------------------------------------------------- parsing

def parse_query(
    text: str,
    topics: Sequence[str],
    countries: Sequence[str],
    group_values: Sequence[str] = (),
) -> QueryConstraints:
    """Read a persona query into constraints; see the module docstring for the rules.

    ``topics``: the set's topic names; ``countries``: the set's country values (as written in the personas);
    ``group_values``: values of the set's non-demographic group columns (occupations, ...).
    """
    t = _Text(text)
    sort = _read_superlative(t)
    ages: list[tuple[int, int]] = []
    gender_hints: set[str] = set()
    _read_numeric_ages(t, ages, gender_hints)
    values = _read_group_values(t, group_values)
    _read_age_words(t, ages)
    genders = _read_gender(t) | gender_hints
    found_countries = _read_countries(t, countries)
    found_topics = _read_topics(t, topics)
    words = {w.lower() for w in re.findall(r"\w+", text)}
    if "parenting" in {x.lower() for x in topics} and words & _PARENT_WORDS:
        parenting = next(x for x in topics if x.lower() == "parenting")
        if parenting not in found_topics:
            found_topics.append(parenting)
    age = None
    if ages:  # several phrases ("young", "under 30"): their intersection, or the last one if they disagree
        lo, hi = max(a[0] for a in ages), min(a[1] for a in ages)
        age = (lo, hi) if lo <= hi else ages[-1]
    return QueryConstraints(
        text=text,
        gender=next(iter(genders)) if len(genders) == 1 else None,
        age=age,
        countries=tuple(dict.fromkeys(found_countries)),
        group_values=tuple(dict.fromkeys(values)),
        topics=tuple(dict.fromkeys(found_topics)),
        sort=sort,
        residual=t.residual(),
        matched=tuple(t.matched),
    )


def _read_superlative(t: _Text) -> Sort | None:
    sort: Sort | None = None
    for m in t.finditer(_SUPERLATIVE):
        word = (m.group("pop") or "").lower()
        sort = "largest" if (m.group("large") or word == "most") else "smallest"
        t.take(m.start(), m.end(), f"sort: {sort} audience")
    return sort


def _read_numeric_ages(t: _Text, ages: list[tuple[int, int]], genders: set[str]) -> None:
    for m in t.finditer(_AGE_RANGE):
        lo, hi = int(m.group(1)), int(m.group(2))
        joiner = m.group(0).lower()
        if " and " in f" {joiner} " and "between" not in joiner:
            continue  # "25 and 34" alone is not an age range
        if _age_ok(lo, hi) and 10 <= lo <= hi:
            ages.append((lo, hi))
            t.take(m.start(), m.end(), f"age {lo}-{hi}")
    for m in t.finditer(_AGE_OVER):
        n = int(m.group(1))
        if _age_ok(n) and n < AGE_MAX:
            ages.append((n + 1, AGE_MAX))
            t.take(m.start(), m.end(), f"age {n + 1}+")
    for m in t.finditer(_AGE_PLUS):
        n = int(m.group(1) or m.group(2))
        if _age_ok(n):
            ages.append((n, AGE_MAX))
            t.take(m.start(), m.end(), f"age {n}+")
    for m in t.finditer(_AGE_UNDER):
        n = int(m.group(1))
        if _age_ok(n) and n > 1:
            ages.append((0, n - 1))
            t.take(m.start(), m.end(), f"age under {n}")
    for m in t.finditer(_AGE_EXACT):
        n = int(m.group(1) or m.group(2))
        if _age_ok(n):
            ages.append((n, n))
            t.take(m.start(), m.end(), f"age {n}")
    for m in t.finditer(_DECADE):
        pron = (m.group("pron") or "").lower()
        if pron == "the":
            continue  # "in the 80s" is an era, not an age
        if m.group("num"):
            base = int(m.group("num"))
            following = re.match(r"\s*([\w']+)", t.text[m.end():])
            if not pron and (base < 20 or (following and following.group(1).lower() in _MEDIA_AFTER_DECADE)):
                continue  # "80s music" is an era, not an age
        else:
            base = _DECADE_WORDS[m.group("word").lower()]
        if base == 10:  # teens
            lo, hi = 13, 19
        else:
            part = (m.group("part") or "").lower()
            lo, hi = {"early": (base, base + 3), "mid": (base + 4, base + 6), "late": (base + 7, base + 9)}.get(
                part, (base, base + 9))
        if pron == "her":
            genders.add("female")
        elif pron == "his":
            genders.add("male")
        ages.append((lo, hi))
        t.take(m.start(), m.end(), f"age {lo}-{hi}")


def _read_age_words(t: _Text, ages: list[tuple[int, int]]) -> None:
    for pattern, span in _AGE_WORDS:
        for m in t.finditer(pattern):
            ages.append(span)
            t.take(m.start(), m.end(), f"age {span[0]}+" if span[1] >= AGE_MAX else f"age {span[0]}-{span[1]}")


def _read_group_values(t: _Text, group_values: Sequence[str]) -> list[str]:
    phrases: dict[str, str] = {}
    for value in group_values:
        key = _norm(value)
        if key in _GENERIC_VALUES or key.isdigit() or len(key) < 2:
            continue
        words = key.split()
        for last in _plurals(words[-1]):
            phrases.setdefault(" ".join([*words[:-1], last]), value)
        for syn in GROUP_SYNONYMS.get(key, ()):
            phrases.setdefault(_norm(syn), value)
    pattern = _phrase_pattern(phrases)
    found: list[str] = []
    if pattern is None:
        return found
    for m in t.finditer(pattern):
        value = phrases[_norm(m.group(0))]
        found.append(value)
        t.take(m.start(), m.end(), f"group: {value}")
    return found


_GENDER_PATTERN = _phrase_pattern(w for ws in GENDER_WORDS.values() for w in ws if w not in ("her", "his"))
_GENDER_OF = {w: g for g, ws in GENDER_WORDS.items() for w in ws}


def _read_gender(t: _Text) -> set[str]:
    found: set[str] = set()
    assert _GENDER_PATTERN is not None
    for m in t.finditer(_GENDER_PATTERN):
        g = _GENDER_OF[m.group(0).lower()]
        found.add(g)
        t.take(m.start(), m.end(), f"gender: {g}")
    return found


def _read_countries(t: _Text, countries: Sequence[str]) -> list[str]:
    """Country values: spelt as in the set when it has the country, else as people write it."""
    from personas.demographics import country_code

    in_set = {}
    for value in countries:
        code = country_code(value)
        if code:
            in_set.setdefault(code, value)

    def value_of(code: str) -> str:
        return in_set.get(code) or _country_value(code)

    found: list[tuple[int, str]] = []
    table = _country_table()
    for m in t.finditer(_country_pattern()):
        written = m.group(0)
        key = re.sub(r"\s+", " ", written.lower())
        key = key[4:] if key.startswith("the ") and key not in table else key
        if key in ("us", "u.s.", "u.s.a.", "usa", "states", "united states"):
            code = "US"
        elif key in ("uk", "u.k.", "united kingdom"):
            code = "GB"
        else:
            code = table.get(key) or table.get(_norm(key), "")
        if not code:
            continue
        if key in AMBIGUOUS_COUNTRY_NAMES and not written[0].isupper():
            continue
        if key == "us" and "US" not in written:  # "the us" in lower case is not a country
            continue
        found.append((m.start(), value_of(code)))
        t.take(m.start(), m.end(), f"country: {value_of(code)}")
    pattern, forms = _demonym_pattern()
    for m in t.finditer(pattern):
        code = forms[_norm(m.group(0))]
        found.append((m.start(), value_of(code)))
        t.take(m.start(), m.end(), f"country: {value_of(code)}")
    shouting = text_is_upper(t.text)
    codes = _iso_codes()
    for m in t.finditer(_ISO_TOKEN):
        token = m.group(0)
        code = {"USA": "US", "U.S.": "US", "U.S.A.": "US", "UK": "GB", "U.K.": "GB"}.get(token, token)
        if len(token) == 2 and (shouting or token in _CODE_EXCEPTIONS or token not in codes):
            continue
        found.append((m.start(), value_of(code)))
        t.take(m.start(), m.end(), f"country: {value_of(code)}")
    return [v for _, v in sorted(found)]


def text_is_upper(text: str) -> bool:
    """A query written in capitals: its two-letter words are words, not country codes."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 3 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _read_topics(t: _Text, topics: Sequence[str]) -> list[str]:
    phrases: dict[str, str] = {}
    for topic in topics:  # the set's own names first: a synonym never hides a topic
        for v in _topic_variants(topic):
            phrases.setdefault(_norm(v), topic)
    for topic in topics:
        for syn in TOPIC_SYNONYMS.get(topic.lower(), ()):
            phrases.setdefault(_norm(syn), topic)
    pattern = _phrase_pattern(phrases)
    found: list[tuple[int, str]] = []
    if pattern is None:
        return []
    for m in t.finditer(pattern):
        key = _norm(m.group(0))
        topic = phrases.get(key) or phrases.get(key.replace(" ", ""))
        if topic is None:
            continue
        found.append((m.start(), topic))
        t.take(m.start(), m.end(), f"topic: {topic}")
    return [topic for _, topic in sorted(found)]
