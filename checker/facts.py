"""The contexts, read once: fact sentences with their numbers, entities and rankings, and who the persona is.

Works on any plain text; it reads more from this project's own fact format (topic and content ranks) and
from the optional ``stats`` dict (the persona export), but needs neither.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .claims import QUOTED, quoted_spans, sentences
from .lexicon import GENDER_RE, GENDER_WORDS, NEGATION, STOP, canonical_country, content_tokens, country_re
from .numbers import Num, parse_numbers

_CAPS = re.compile(r"(?<![\w'])([A-Z][\w'’&-]*(?:\s+(?:(?:of|de|du|la|the)\s+)?[A-Z][\w'’&-]*)*)")
_TOPIC_FACT = re.compile(r"^(.+?) is (\d[\d.,]*)% of (.+?)'s? group's ")
_TOPIC_RANK = re.compile(r"topic number (\d+) of ")
# The same facts in anyone's words: "Cooking is 34% of Maria's views (45,210 views), her top topic.",
# "Travel makes up 12.4% of my views, topic number 2.", "Maria's second topic is Travel (12.4%)."
_PLAIN_TOPIC_FACT = re.compile(
    r"^([A-Z][\w&'’-]*(?: [\w&'’-]+){0,3}?) (?:is|are|makes up|make up|accounts for|account for|represents|"
    r"takes up|gets) (?:about |around |roughly |nearly |almost |over |just over |some )?(\d[\d.,]*)\s?% of "
    r"(?:(.+?)(?:'s?)? )?(?:group's |audience's )?(?:total |all )?(?:views|viewing|watch time|plays|interactions|"
    r"watching|audience)\b")
_RANK_WORD = r"top|first|1st|biggest|largest|main|favou?rite|second|2nd|third|3rd|fourth|4th|fifth|5th"
_PLAIN_RANK = re.compile(rf"\btopic (?:number|no\.?|#) ?(\d+)\b|\b(?:number|no\.?|#) ?(\d+) topic\b|"
                         rf"\b({_RANK_WORD})(?:[- ](?:biggest|largest|most[- ]watched))? topic\b", re.IGNORECASE)
_RANKED_TOPIC = re.compile(rf"^(?:(.+?)'s?|[Hh]er|[Hh]is|[Tt]heir|[Mm]y|[Oo]ur|[Tt]he) ({_RANK_WORD})(?:[- ](?:biggest|"
                           rf"largest|most[- ]watched))? topic is ([A-Z][\w&'’-]*(?: [A-Z&][\w&'’-]*){{0,3}})")
# "Top topics: Cooking (34%), Travel (12.4%)": a ranked list, ranked by the shares it gives.
_TOPIC_LIST = re.compile(r"\b(?:top |main |favou?rite )?topics?\b[^:.]{0,40}:\s*(.+)", re.IGNORECASE)
_LIST_ITEM = re.compile(r"([A-Z][\w&'’-]*(?: [\w&'’-]+){0,3}?)\s*\((?:about |around )?(\d[\d.,]*)\s?%")
_ORDINAL = {"top": 1, "first": 1, "1st": 1, "biggest": 1, "largest": 1, "main": 1, "favourite": 1, "favorite": 1,
            "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5}
# Possessives that name whom the facts are about ("Maria's views", "Maria's top topic"): read only for an
# answer in the first person, whose "I" must be someone.
_LOOSE_NAME = re.compile(r"\b([A-Z][a-zà-ÿ]+(?: [A-Z][a-zà-ÿ]+)?)'s (?:own )?(?:views|audience|viewers|followers|"
                         r"subscribers|top|topics?|content|videos|channel|watch time|favou?rite|interests?)\b")
_CONTENT_RANK = re.compile(r"\(number (\d+) of .+?'s? top content")
_AUDIENCE_RANK = re.compile(r"\brank (\d+) by audience size")
_LABELLED = re.compile(r"[:;]\s*([^:;()]{3,60}?)\s*\(\s*[\d.,]+\s*%?\s*\)")
_AGE = re.compile(r"\b(\d{1,3})[- ]years?[- ]old\b|\baged? (\d{1,3})\b", re.IGNORECASE)
_BRACKET = re.compile(r"\b(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})\b|\b(\d{2})\+")


@dataclass
class Sentence:
    text: str
    context_index: int
    span: tuple[int, int]  # in its context
    numbers: list[Num]
    tokens: set[str]
    entities: list[str]  # lower case, the persona's own name left out
    quotes: list[str]  # lower case
    negated: bool
    persona: str | None  # the persona the sentence is about, when it names one
    lower: str = ""
    anchor_spans: list[tuple[str, int, int]] = field(default_factory=list)  # what each part is about

    def owner(self, n: Num) -> str | None:
        """The anchor a number belongs to when the sentence talks about several things: the nearest one,
        looking back first ("Gaming (62.7%) and Travel (20.1%)"; "12 views on "Title"")."""
        if len({a for a, _, _ in self.anchor_spans}) < 2:
            return None
        # A parenthesised aside describes what precedes it ("X's group (25-34, male, India) has 297,144
        # views"): a name inside it owns only the numbers inside the same parentheses.
        here = self._paren_of(n.span[0])
        spans = [x for x in self.anchor_spans if self._paren_of(x[1]) in (None, here)]
        if len({a for a, _, _ in spans}) < 2:
            return None
        best, dist = None, 1e9
        for a, s, e in spans:
            d = n.span[0] - e if e <= n.span[0] else 1.5 * (s - n.span[1]) if s >= n.span[1] else 0
            if d < dist:
                best, dist = a, d
        return best


    def _paren_of(self, i: int) -> tuple[int, int] | None:
        """The innermost (...) span around offset ``i``, if any."""
        for a, b in self.parens:
            if a < i < b:
                return (a, b)
        return None

    @property
    def parens(self) -> list[tuple[int, int]]:
        return _parens(self.text)


@lru_cache(maxsize=8192)
def _parens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\([^()]*\)", text)]


@dataclass
class Profile:
    """Who "I" is in the answer."""

    name: str | None = None
    name_parts: set[str] = field(default_factory=set)
    age: int | None = None
    bracket: tuple[int, int] | None = None
    gender: str | None = None
    country: str | None = None
    audience_rank: int | None = None
    topic_rank: dict[str, int] = field(default_factory=dict)  # lower-case topic -> rank (1 = biggest)
    content_rank: dict[str, int] = field(default_factory=dict)  # lower-case title -> rank
    # every rank of a title, for data where two items share one title (MovieLens lists some films twice)
    title_ranks: dict[str, set[int]] = field(default_factory=dict)


@dataclass
class FactIndex:
    sentences: list[Sentence]
    profile: Profile
    topics: set[str]  # lower-case topic names known from the data
    titles: set[str]  # lower-case quoted titles and comments
    entities: set[str]  # every lower-case entity in the contexts
    vocab: set[str]  # every content token of the contexts
    lower_all: str
    prefixes: set[str] = field(default_factory=set)  # 5-letter starts of the vocabulary's longer words
    others: set[str] = field(default_factory=set)  # lower-case names of the other personas the contexts name
    # other persona (lower case) -> (topic -> rank, title -> rank), from their own fact sentences
    other_ranks: dict[str, tuple[dict[str, int], dict[str, int]]] = field(default_factory=dict)

    def knows(self, token: str) -> bool:
        """A word the contexts use, or a form of one ('efficient' / 'efficiency', 'include' / 'included')."""
        return token in self.vocab or (len(token) >= 6 and token[:5] in self.prefixes)


def entities_in(text: str, masked: list[tuple[int, int]] | None = None) -> list[tuple[str, int, int]]:
    """Capitalised phrases (entity candidates) with their spans; a sentence's first word is kept too and
    judged by the caller."""
    out = []
    for m in _CAPS.finditer(text):
        if masked and any(a <= m.start() < b for a, b in masked):
            continue
        phrase = m.group(1).strip(" '’-&")
        start = m.start()
        for lead in ("I'm ", "I ", "I've ", "I’m "):
            if phrase.startswith(lead):
                phrase, start = phrase[len(lead):], start + len(lead)
        if not phrase or phrase.lower() in STOP or phrase in ("I", "I'm", "I've", "I'd"):
            continue
        out.append((phrase, start, start + len(phrase)))
    return out


def _persona_name(contexts: list[str], stats: dict | None, loose: bool = False) -> str | None:
    """The persona's name: from ``stats``, from this project's fact wording, or (``loose``, for an answer in
    the first person) from possessives such as "Maria's views"."""
    if stats and stats.get("name"):
        return str(stats["name"])
    counts: Counter[str] = Counter()
    for c in contexts:
        for m in re.finditer(r"\b([A-Z][a-zà-ÿ]+(?: [A-Z][a-zà-ÿ]+)?)'s (?:own )?group\b", c):
            counts[m.group(1)] += 1
        for m in re.finditer(r"\b([A-Z][a-zà-ÿ]+(?: [A-Z][a-zà-ÿ]+)?) is (?:a )?\d+[- ]years?[- ]old", c):
            counts[m.group(1)] += 2
    if loose and not counts:
        counts.update(m.group(1) for c in contexts for m in _LOOSE_NAME.finditer(c))
    return counts.most_common(1)[0][0] if counts else None


def _profile(name: str | None, contexts: list[str], stats: dict | None) -> Profile:
    p = Profile(name=name)
    if name:
        p.name_parts = {w.lower() for w in name.split()} | {name.lower()}
    if stats:
        p.age = stats.get("age") if isinstance(stats.get("age"), int) else None
        p.gender = (stats.get("gender") or None) and str(stats["gender"]).lower()
        p.country = stats.get("country") and (canonical_country(str(stats["country"])) or str(stats["country"]))
        for v in (stats.get("group") or {}).values():
            if m := re.fullmatch(r"\s*(\d+)\s*[-–]\s*(\d+)\s*", str(v)):
                p.bracket = (int(m.group(1)), int(m.group(2)))
        p.audience_rank = stats.get("rank") if isinstance(stats.get("rank"), int) else None
        for i, t in enumerate(sorted(stats.get("topics") or [], key=lambda t: -float(t.get("share", 0))), 1):
            p.topic_rank[str(t["topic"]).lower()] = i
        for i, c in enumerate(stats.get("top_content") or [], 1):
            p.content_rank[str(c["title"]).lower()] = i
            p.title_ranks.setdefault(str(c["title"]).lower(), set()).add(i)
    mine = [c for c in contexts if not name or any(part in c for part in name.split())] or contexts
    for c in mine:
        if p.age is None and (m := _AGE.search(c)):
            p.age = int(m.group(1) or m.group(2))
        if p.gender is None and (m := re.search(r"\bgender (\w+)", c)):
            p.gender = GENDER_WORDS.get(m.group(1).lower(), m.group(1).lower())
        if p.country is None and (m := re.search(r"\b(?:from|lives in|living in|based in) (?:the )?([A-Z][\w ]+?)"
                                                 r"(?=[.;,)]| and\b|$)", c)):
            p.country = canonical_country(m.group(1))
        if p.bracket is None and (m := re.search(r"\bage (\d+)\s*[-–]\s*(\d+)", c)):
            p.bracket = (int(m.group(1)), int(m.group(2)))
        if p.audience_rank is None and (m := _AUDIENCE_RANK.search(c)):
            p.audience_rank = int(m.group(1))
    return p


@lru_cache(maxsize=4096)
def _read_sentence(text: str) -> tuple[list[Num], set[str], list[tuple[str, int, int]], list[str], bool]:
    quotes = quoted_spans(text)
    nums = parse_numbers(text, quotes)
    toks = content_tokens(text)
    ents = entities_in(text, quotes)
    qs = [(m.group(1) or m.group(2)).strip().lower() for m in QUOTED.finditer(text)]
    negated = bool(NEGATION.search(QUOTED.sub("", text)))
    return nums, toks, ents, qs, negated


def build_index(contexts: list[str], stats: dict | None = None, first_person: bool = False) -> FactIndex:
    """The contexts read once. ``first_person``: the answer speaks as the persona, so the persona's name is
    also looked for in looser wordings."""
    name = _persona_name(contexts, stats, loose=first_person)
    profile = _profile(name, contexts, stats)
    topics: set[str] = set(profile.topic_rank)
    titles: set[str] = set(profile.content_rank)
    sents: list[Sentence] = []
    all_entities: set[str] = set()
    vocab: set[str] = set()
    others: set[str] = set()
    ranks: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
    for c in contexts:
        for m in re.finditer(r"\b([A-Z][a-zà-ÿ]+(?: [A-Z][a-zà-ÿ]+)?)'s (?:own )?group\b", c):
            if m.group(1) != name and not (name and m.group(1) in name.split()):
                others.add(m.group(1))
    for ci, c in enumerate(contexts):
        for a, b in sentences(c):
            t = c[a:b]
            nums, toks, ents, qs, negated = _read_sentence(t)
            if m := _TOPIC_FACT.match(t):
                topics.add(m.group(1).lower())
                if (r := _TOPIC_RANK.search(t)) and m.group(1).lower() not in profile.topic_rank \
                        and _about(m.group(3), name):
                    profile.topic_rank[m.group(1).lower()] = int(r.group(1))
                elif r and (who := next((o for o in others if o in m.group(3)), None)):
                    # another persona's ranking: claims that name that persona are checked against it
                    ranks.setdefault(who.lower(), ({}, {}))[0].setdefault(m.group(1).lower(), int(r.group(1)))
            else:
                for topic, who, rank in _plain_topics(t):
                    topics.add(topic)
                    if rank and not (name and who and any(o in who for o in others)):
                        profile.topic_rank.setdefault(topic, rank)
            if (r := _CONTENT_RANK.search(t)) and qs:
                if _about(t, name):
                    profile.content_rank.setdefault(qs[0], int(r.group(1)))
                    profile.title_ranks.setdefault(qs[0], set()).add(int(r.group(1)))
                elif who := next((o for o in others if o in t), None):
                    ranks.setdefault(who.lower(), ({}, {}))[1].setdefault(qs[0], int(r.group(1)))
            titles.update(qs)
            persona = None
            if name and name.split()[0] in t:
                persona = name
            else:
                persona = next((o for o in others if o in t), None)
            ent_names = [e.lower() for e, _, _ in ents if not _is_name(e, profile)]
            all_entities.update(ent_names)
            vocab |= toks
            sents.append(Sentence(t, ci, (a, b), nums, toks - _name_tokens(profile), ent_names, qs, negated,
                                  persona, t.lower()))
    if stats:  # the words of the persona's own profile count as known
        vocab |= content_tokens(" ".join([*topics, *titles, str(stats.get("group_label") or ""),
                                          str(profile.country or ""), str(profile.gender or "")]))
    own = {x.lower() for x in (profile.country, profile.gender) if x}
    for st in sents:
        spans = [(e, a, b) for e, a, b in _spans(st.text, st.entities, own)]
        # a list of labelled figures ("...: 25-34, male, US (6.9%); 25-34, female, IN (2.6%)"): each
        # figure belongs to its label
        spans += [(m.group(1).lower(), m.start(1), m.end(1)) for m in _LABELLED.finditer(st.text)]
        spans += [(t, m.start(), m.end()) for t in topics for m in re.finditer(re.escape(t), st.lower)]
        spans += [(q, m.start(), m.end()) for q in st.quotes for m in re.finditer(re.escape(q), st.lower)]
        st.anchor_spans = sorted(set(spans), key=lambda x: x[1])
    return FactIndex(sents, profile, topics, titles, all_entities, vocab, "\n".join(contexts).lower(),
                     {t[:5] for t in vocab if len(t) >= 6}, {o.lower() for o in others}, ranks)


def _plain_topics(text: str) -> list[tuple[str, str, int | None]]:
    """Topics' shares or ranks in plain words: (topic, whose, rank or None) for each."""
    if "%" in text and (m := _PLAIN_TOPIC_FACT.match(text)):
        r = _PLAIN_RANK.search(text, m.end())
        rank = None if r is None else int(r.group(1) or r.group(2) or _ORDINAL[r.group(3).lower()])
        return [(m.group(1).lower(), m.group(3) or "", rank)]
    if "topic" not in text.lower():
        return []
    if m := _RANKED_TOPIC.match(text):
        return [(m.group(3).lower(), m.group(1) or "", _ORDINAL[m.group(2).lower()])]
    if m := _TOPIC_LIST.search(text):
        items = [(i.group(1).lower(), float(i.group(2).replace(",", ""))) for i in _LIST_ITEM.finditer(m.group(1))]
        ranked = sorted(items, key=lambda x: -x[1])
        return [(topic, "", ranked.index((topic, share)) + 1) for topic, share in items]
    return []


def _spans(text: str, entities: list[str], own: set[str]) -> list[tuple[str, int, int]]:
    low = text.lower()
    out = []
    for e in set(entities) - own:
        for m in re.finditer(re.escape(e), low):
            out.append((e, m.start(), m.end()))
    return out


def _about(text: str, name: str | None) -> bool:
    return not name or name.split()[0] in text


def _is_name(entity: str, profile: Profile) -> bool:
    e = entity.lower()
    e = e.removesuffix("'s")
    return bool(profile.name_parts) and (e in profile.name_parts or all(w in profile.name_parts for w in e.split()))


def _name_tokens(profile: Profile) -> set[str]:
    return {w for w in profile.name_parts if " " not in w}


def find_country(text: str) -> list[tuple[str, int, int]]:
    return [(canonical_country(m.group(1)) or m.group(1), m.start(), m.end()) for m in country_re().finditer(text)]


def find_gender(text: str) -> list[tuple[str, int, int]]:
    return [(GENDER_WORDS[m.group(1).lower()], m.start(), m.end()) for m in GENDER_RE.finditer(text)]


def find_bracket(text: str) -> tuple[int, int] | None:
    m = _BRACKET.search(text)
    if not m:
        return None
    if m.group(3):
        return int(m.group(3)), 200
    return int(m.group(1)), int(m.group(2))
