"""What a number measures: the quantity kinds the checker knows, and the words that name each of them.

One table, read the same way for a context (the words around a figure, a key, a table header) and for a
claim. A kind is decided by the first row whose words occur in the text around the number; the number's
own form (a percentage, a multiplier, a unit of time or money) narrows the rows it may take.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .numbers import Num

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_MONTH_ABBR = {m[:3]: m for m in MONTHS} | {"sept": "september"}
MONTH_RE = re.compile(r"\b(" + "|".join(MONTHS) + r"|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?)\b",
                      re.IGNORECASE)

# A stretch of time named as a period ("over the last six months", "vs prior half-year"): not a figure.
PERIOD = re.compile(r"\b(?:last|past|previous|prior|next|recent|over)\s+(?:\w+\s+)?(?:months?|weeks?|years?|days?|"
                    r"quarters?|half[- ]years?)\b|\bhalf[- ]year\b", re.IGNORECASE)

# Units a rate is given in (a time or money per something). Stems, as numbers.parse_numbers reports units.
# Only units of time, money and distance: "42 sessions" is a count, "42 minutes per session" a rate.
RATE_UNITS = frozenset({"minute", "min", "mins", "second", "sec", "secs", "hour", "hr", "hrs", "euro", "eur",
                        "dollar", "usd", "pound", "gbp", "yen", "rupee", "real", "reai", "kilometre", "km", "mile"})
# Every cue pattern of this module, for telling a claim's cue words from its content.

CURRENCY = re.compile(r"[$€£¥₹]|\b(?:euros?|dollars?|pounds?|eur|usd|gbp|yen|rupees?|reais)\b", re.IGNORECASE)
TIME_UNIT = re.compile(r"\b(?:minutes?|mins?|seconds?|secs?|hours?|hrs?|days?)\b", re.IGNORECASE)


# Nouns for people (singular and plural): a count of them is the segment's size, not its activity.
PEOPLE_NOUNS = ("users?", "people", "persons?", "members?", "listeners?", "readers?", "viewers?", "shoppers?",
                "customers?", "players?", "accounts?", "buyers?", "individuals", "borrowers?", "riders?", "learners?",
                "students?", "patrons?", "visitors?", "guests?", "clients?", "followers?", "attendees?",
                "participants?", "passengers?", "travell?ers?", "donors?", "respondents?", "households?", "gamers?",
                "diners?", "subscribers?", "fans", "audience members?", "cardholders?", "owners?", "parents?",
                "employees?", "patients?", "drivers?", "commuters?", "voters?")


# Words between a figure and its noun ("37,357 distinct users"): not the noun.
_ADJECTIVES = frozenset({"distinct", "unique", "active", "different", "individual", "separate", "new", "returning",
                         "total", "regular", "loyal", "registered", "paying", "monthly", "daily", "weekly", "more",
                         "real", "engaged", "frequent", "core", "local", "young", "older", "adult"})
_PEOPLE = re.compile("|".join(PEOPLE_NOUNS) + "|people|person|us", re.IGNORECASE)


@dataclass(frozen=True)
class QuantityKind:
    name: str
    words: re.Pattern[str]
    forms: frozenset[str]  # number kinds it takes: 'pct', 'num', 'mult', 'money'


def _w(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Ordered: the first kind whose words occur (and whose forms fit) wins. Why this order: "stability" and
# "change" words are the most specific; "per"/"average" marks a rate before the generic count.
KINDS: tuple[QuantityKind, ...] = (
    QuantityKind("stability", _w(r"\bstab(?:le|ility)\b|\breruns?\b|\brobust|\bconsisten"),
                 frozenset({"num", "pct"})),
    QuantityKind("change", _w(r"\bchange[sd]?\b|\brose\b|\brise[ns]?\b|\brisen\b|\bfell\b|\bfall(?:en|s)?\b|\bgr[eo]w"
                              r"(?:th|n|s)?\b|\bdrop(?:ped|s)?\b|\bdeclin|\bincreas|\bdecreas|(?<!make )(?<!makes )(?<!made )(?<!add )(?<!adds )(?<!sign )(?<!show )(?<!shows )\bup\b|\bdown\b|\bvs\.?"
                              r"|\bversus\b|\bprevious\b|\bprior\b|\bcompared\b|\btrend|\bhalf[- ]year\b|\blast (?:six|6|"
                              r"three|3|twelve|12) months\b|\bgain|\bslump|\bshr[ua]nk|\bclimb|\bjump|\bsurg|\bplung|\bslip|\bdip|\beased\b|\bsoar|"
                              r"\brebound|\btumbl|\bsank\b"),
                 frozenset({"pct"})),
    QuantityKind("lift", _w(r"\blift\b|\bover-?index|\bunder-?index|\bfactor\b|\baffinity\b|\bindex\b|\btimes\b|"
                            r"\bmultiple\b|\brelative to\b|\bthe (?:overall|average|typical)\b|\bthan (?:average|"
                            r"everyone|the rest)|\bx\b"),
                 frozenset({"mult", "num"})),
    QuantityKind("rate", _w(r"\bper\b|\baverage\b|\bavg\.?\b|\bmean\b|\btypical(?:ly)?\b|\beach\b|\bevery\b"),
                 frozenset({"num", "money"})),
    QuantityKind("users", _w(r"\b(?:" + "|".join(PEOPLE_NOUNS) + r")\b|\bdistinct\b|\bunique\b|\bof us\b|"
                             r"\bsegment size\b|\bheadcount\b|\bhow many (?:we|of us)\b"),
                 frozenset({"num"})),
    QuantityKind("total_share", _w(r"\bof (?:all|the total|total|everything|overall|the whole|the entire)\b|"
                                   r"\btotal\b|\boverall\b|\bshare of (?:all|volume|the)\b|\bvolume\b|"
                                   r"\bof (?:the )?(?:site|channel|app|store|shop|show|platform|service)'?s?\b"),
                 frozenset({"pct"})),
)
KIND_NAMES = tuple(k.name for k in KINDS) + ("share", "portion", "count", "month_peak", "month_low", "rank",
                                             "sample_share")

# A survey's reference share, said right after the figure ("... against 68.0% of all respondents"): the same
# item's share over the whole sample, not the segment's own and not a share of everything.
_SAMPLE_SHARE = re.compile(r"\s*of (?:all|the whole sample'?s?|all the) (?:respondents|people (?:asked|surveyed)"
                           r"|the sample)\b|\s*(?:of|for) the (?:whole )?sample\b", re.IGNORECASE)


def sample_share(n: Num, after: str) -> bool:
    """Whether the percentage ``n``, followed by the text ``after``, is a whole sample's share (a survey's)."""
    return n.kind == "pct" and bool(_SAMPLE_SHARE.match(after))

# A month's role: the busiest or the quietest of the period.
PEAK = _w(r"\bbusiest\b|\bpeak(?:ed|s|ing)?\b|\btopped out\b|\bhighest point\b|\bmost active\b|\bhighest\b|\bbiggest month\b|\bbest month\b|\btop month\b|"
          r"\bstrongest\b|\bmost\b|\bmax(?:imum)?\b|\bhigh\b")
LOW = _w(r"\bquietest\b|\blowest\b|\bbottom(?:ed)?(?: out)?\b|\btrough\b|\bdip(?:ped)?\b|\bslump(?:ed)?\b|\bleast active\b|\bslowest\b|\bweakest\b|\bworst month\b|\bleast\b|\bmin(?:imum)?\b|"
         r"\bquiet\b|\blow\b|\bfewest\b|\bsmallest month\b")
DOWN = _w(r"\bslip(?:ped|s)?\b|\bdip(?:ped|s)?\b|\beased\b|\bcooled\b|\bshed\b|\blost\b|\bsoftened\b|\bsank\b|"
          r"\bsunk\b|\btumbled\b|\bretreated\b|\bnegative\b|\bfell\b|\bfall(?:en|s)?\b|\bdown\b|\bdrop(?:ped|s)?\b|\bdeclin|\bdecreas|\bshr[ua]nk|\blower\b|"
          r"\bslump|\bplung|\bless than (?:before|the previous)|\bloss|\bcontract")
UP = _w(r"\bgained\b|\bpicked up\b|\brebound(?:ed)?\b|\bswell(?:ed)?\b|\bsoar(?:ed)?\b|\bpositive\b|\brose\b|\brise[ns]?\b|\brisen\b|(?<!make )(?<!makes )(?<!made )(?<!add )(?<!adds )(?<!sign )(?<!show )(?<!shows )\bup\b|\bgr[eo]w|\bincreas|\bclimb|\bjump|\bsurg|\bgain|\bhigher\b|"
        r"\bmore than (?:before|the previous)|\bexpan")


# Rank words -> rank (1 = biggest; -1 = the last).
RANK_WORDS = {
    "top": 1, "biggest": 1, "largest": 1, "main": 1, "favourite": 1, "favorite": 1, "first": 1, "1st": 1,
    "number one": 1, "number 1": 1, "no. 1": 1, "#1": 1, "leading": 1, "highest": 1, "most": 1, "best": 1,
    "primary": 1, "greatest": 1, "strongest": 1, "heaviest": 1, "most-played": 1, "most played": 1, "dominant": 1,
    "second": 2, "2nd": 2, "number two": 2, "number 2": 2, "#2": 2, "runner-up": 2,
    "third": 3, "3rd": 3, "number three": 3, "number 3": 3, "#3": 3,
    "fourth": 4, "4th": 4, "number four": 4, "#4": 4, "fifth": 5, "5th": 5,
    "least": -1, "smallest": -1, "lowest": -1, "last": -1, "weakest": -1, "fewest": -1,
}
RANK_RE = re.compile(r"(?<![\w#])(" + "|".join(re.escape(w) for w in sorted(RANK_WORDS, key=len, reverse=True))
                      + r")(?![\w])", re.IGNORECASE)


def is_month_at(text: str, m: re.Match[str]) -> bool:
    """A month name where it is a month: capitalised, and not a surname after a first name ("David May")."""
    if not m.group(1)[0].isupper():
        return False  # "may" the verb
    prev = re.search(r"([A-Za-z]+)\s+$", text[:m.start()])
    return not (prev and prev.group(1)[0].isupper() and prev.group(1).lower() not in _NOT_FIRST_NAMES)


_NOT_FIRST_NAMES = frozenset("""in on by since until from during of for the a last next this that each every early
late mid busiest quietest peak month best worst top is was and or but with""".split())


def normal_month(word: str) -> str:
    w = word.lower().rstrip(".")
    return _MONTH_ABBR.get(w, w)


# A classifier for keys no word here names (``checker.embedding.install``); None: the word tables alone.
KEY_CLASSIFIER = None
_FORMS_OF = {"users": ("num",), "count": ("num",), "rate": ("num", "money"), "lift": ("num", "mult"),
             "stability": ("num",), "change": ("pct",), "total_share": ("pct",)}


def _by_meaning(key: str, form: str) -> str | None:
    if KEY_CLASSIFIER is None or not key.strip():
        return None
    kind = _predict(KEY_CLASSIFIER, key.strip().lower())
    return kind if kind and form in _FORMS_OF.get(kind, ()) else None


@lru_cache(maxsize=2048)
def _predict(clf, key: str) -> str | None:  # type: ignore[no-untyped-def]
    return clf.predict([key])[0]


def kind_of(cues: str, n: Num, has_subject: bool, key: str = "") -> str:
    """The quantity ``n`` measures, from the words ``cues`` around it (its key, header or clause); a ``key``
    that no word names goes to the meaning classifier when one is installed."""
    form = n.kind if n.kind in ("pct", "mult", "money") else "num"
    if form == "mult" or (form == "num" and "times" in n.text.lower() and n.value != int(n.value)):
        return "lift"  # "(1.9 times)": a count is never a fraction
    own_noun = n.unit and not _PEOPLE.fullmatch(n.unit) and n.unit not in RATE_UNITS and n.unit not in _ADJECTIVES
    for k in KINDS:
        if form in k.forms and k.words.search(cues):
            if k.name == "rate" and form == "num" and not (n.unit in RATE_UNITS or TIME_UNIT.search(cues)
                                                           or CURRENCY.search(cues)):
                continue  # "on average 12 users": a count, not a rate
            if k.name == "lift" and form == "num" and (not re.search(r"\d\s*x\b|times|factor|lift|index", cues,
                                                                     re.IGNORECASE) or "times" in n.text.lower()):
                continue  # "watched it 4,469 times" counts views (numbers.parse_numbers told them apart)
            if k.name == "users" and own_noun:
                continue  # "2,310 riders logged 58,900 trips": the trips are counted, not the riders
            if k.name == "total_share" and has_subject and not re.search(r"\bof (?:all|the total|total)\b", cues,
                                                                         re.IGNORECASE):
                continue
            return k.name
    if form == "money" or (form == "num" and (n.unit in RATE_UNITS or TIME_UNIT.match(cues[-0:] or ""))):
        return "rate"
    if meant := _by_meaning(key, form):
        return meant
    if form == "pct":
        # a share of something the words do not name ("holds 21.8% of it") is not the share of everything
        return "share" if has_subject else "portion"
    return "count"


def cue_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the words that name a quantity, a month's role or a direction: cues, not content."""
    spans = [m.span() for k in KINDS for m in k.words.finditer(text)]
    spans += [m.span() for p in (PEAK, LOW, UP, DOWN, TIME_UNIT, CURRENCY) for m in p.finditer(text)]
    return spans
