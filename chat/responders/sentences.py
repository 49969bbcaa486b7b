"""The grounded responder's material: a turn's facts with their exact values, and the sentences made of them.

Each sentence takes its numbers from the fact's exact values (metadata ``values_json``), formats them the way
the fact text does (personas/formatting.py) and cites the fact as ``[n]``; chat/responders/grounded.py picks
which sentences answer which kind of question.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from personas import formatting as fmt
from personas.profile import Persona
from retrieval.documents import is_average

from ..intents import Intent, plain, title_forms, topic_named
from .base import ResponderRequest

NO_DATA = "My data doesn't tell me that"

_COUNT_NOUN = re.compile(r"\b(views|ratings|plays|listens|clicks|streams|downloads)\b")
_DO_YOU_LIKE = re.compile(r"^\s*(?:do|would|will) (?:you|u) (?:ever |also )?(?:like|watch|enjoy|love|rate) "
                          r"([a-z][a-z'-]+(?: [a-z][a-z'-]+)??)(?: (?:movies|videos|films|shows|content|stuff))?\s*\??$")
_NOT_A_TOPIC = frozenset(["it", "that", "this", "them", "me", "us", "movies", "videos", "films", "shows", "content",
                          "watching", "anything", "something", "stuff", "my", "our", "your", "the", "a", "any", "those",
                          "these", "new", "old", "long", "short", "good", "bad", "popular"])
_ORDINAL_WORDS = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}
# Country names said with "the" ("from the United States", "in the Netherlands").
_THE_COUNTRY = re.compile(r"^(united|czech|dominican|central african|democratic|marshall|solomon|cayman|"
                          r"faroe|falkland)\b|\b(republic|islands|kingdom|states|emirates)$|^(netherlands|"
                          r"philippines|bahamas|gambia|maldives|comoros|seychelles|vatican)$", re.IGNORECASE)


def amount(value: float) -> str:
    """A count for people: whole numbers with separators from 100 up ('3,338,390 watch minutes', never
    '3,338,389.50'); smaller fractional counts keep one decimal."""
    v = float(value)
    if v.is_integer() or abs(v) >= 100:
        return f"{round(v):,}"
    return f"{v:,.1f}"


def place(country: str) -> str:
    """A country as it reads in a sentence: 'United States' -> 'the United States'; 'Brazil' -> 'Brazil'."""
    return f"the {country}" if _THE_COUNTRY.search(country.strip()) else country


@dataclass(frozen=True)
class Fact:
    n: int  # citation number
    persona_id: str
    type: str
    text: str
    v: dict[str, Any]


def facts_of(request: ResponderRequest) -> list[Fact]:
    out = []
    for i, r in enumerate(request.facts, start=1):
        meta = r.fact.metadata
        values = json.loads(str(meta.get("values_json", "{}")))
        out.append(Fact(i, r.persona_id, r.fact.fact_type, r.text, values))
    return out


class AnswerText:
    """Sentences with their citations, joined into the answer text."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def say(self, sentence: str, *facts: Fact | None) -> None:
        marks = "".join(f"[{n}]" for n in dict.fromkeys(f.n for f in facts if f is not None))
        sentence = sentence.strip()
        end = sentence[-1] if sentence[-1] in ".!?" else "."
        body = sentence.rstrip(".!?")
        self.parts.append(f"{body} {marks}{end}" if marks else f"{body}{end}")

    def text(self) -> str:
        return " ".join(self.parts)


# Words of a comments question that do not name what the comments should be about.
_QUOTE_STOP = frozenset(
    ["what", "think", "about", "your", "our", "the", "you", "do", "of", "why", "like", "likes", "videos", "video", "feel", "feels", "say", "says", "said", "this", "that", "and", "are", "how", "comment", "comments", "commented", "viewers", "viewer", "people", "group", "favourite", "favorite", "best", "most", "top", "content", "item", "items", "watch", "watched", "there", "their", "them", "they", "some", "tell", "give", "write", "wrote", "does", "did", "have",
     "which", "ever", "leave", "left", "post", "posted", "anything", "something", "titles", "title"]
)



class Sentences:
    """Fact lookups and first-person sentences for one turn; subclasses answer kinds of questions."""

    def __init__(self, persona: Persona, mine: list[Fact], all_facts: list[Fact], request: ResponderRequest,
                 intent: Intent) -> None:
        self.p = persona
        self.mine = mine
        self.all = all_facts
        self.request = request
        self.intent = intent
        self.q = plain(request.question)
        self.words = fmt.noun(persona.count_name)
        self.item = "video" if persona.count_name == "views" else "item"
        self.out = AnswerText()

    # ------------------------------------------------------------------ fact lookups

    def of(self, fact_type: str, facts: Sequence[Fact] | None = None) -> list[Fact]:
        return [f for f in (self.mine if facts is None else facts) if f.type == fact_type]

    def one(self, fact_type: str) -> Fact | None:
        found = self.of(fact_type)
        return found[0] if found else None

    def ranked(self, fact_type: str) -> list[Fact]:
        return sorted(self.of(fact_type), key=lambda f: f.v.get("rank", 99))

    def named_topic(self) -> Fact | None:
        for f in self.ranked("topic"):
            if topic_named(str(f.v["topic"]), self.q):
                return f
        return None

    def named_topics(self) -> list[Fact]:
        """My listed topics the question names, in the order it names them."""
        found = []
        for f in self.ranked("topic"):
            m = topic_named(str(f.v["topic"]), self.q)
            if m:
                found.append((m.start(), f))
        return [f for _, f in sorted(found, key=lambda x: x[0])]

    def set_topics(self) -> list[str]:
        """The topics the data knows: those of every persona of the set."""
        return list(dict.fromkeys(t.topic for o in (*self.request.set_personas, self.p) for t in o.stats.topics))

    def missing_topic(self) -> str | None:
        """A topic of the data that the question names and that is not among my listed topics; or what a plain
        "do you like westerns?" asks about when no persona of the set lists it."""
        mine = {str(f.v["topic"]).lower() for f in self.of("topic")} | {t.topic.lower() for t in self.p.stats.topics}
        for t in self.set_topics():
            if t.lower() not in mine and topic_named(t, self.q):
                return t
        m = _DO_YOU_LIKE.match(self.q)
        if m and m.group(1) not in _NOT_A_TOPIC and not any(topic_named(t, self.q) for t in mine) and \
                self.named_title() is None:
            typed = re.search(re.escape(m.group(1)), self.request.question, re.IGNORECASE)
            return typed.group(0) if typed else m.group(1)  # as the user wrote it: "Iron Man", not "iron man"
        return None

    def named_title(self) -> Fact | None:
        wanted = (self.intent.quoted or "").lower()
        asked = self.request.question.lower()  # as typed: shorthand reading would turn "U Turn" into "you turn"
        for f in self.ranked("content"):
            title = str(f.v["title"]).lower()
            if (wanted and (wanted == title or wanted in title)) or title in asked or \
                    any(re.search(rf"\b{re.escape(t)}\b", asked) for t in title_forms(title)):
                return f
        return None

    # ------------------------------------------------------------------ sentences

    def audience(self, f: Fact) -> None:
        v = f.v
        people = f", from {amount(v['group_users'])} people" if v.get("group_users") is not None else ""
        self.out.say(f"My group has {amount(v['group_interactions'])} {self.words} in total{people}, which is "
                     f"{fmt.share(v['audience_share'])} of all {self.words}", f)

    def topic(self, f: Fact, lead: str | None = None) -> None:
        v = f.v
        lead = lead or f"{v['topic']} is {self.topic_place(int(v.get('rank', 0)))}"
        self.out.say(f"{lead}: {fmt.share(v['share'])} of my group's {self.words} ({amount(v['count'])} "
                     f"{self.words}), {fmt.lift(v['lift'])} the share of the whole audience", f)

    @staticmethod
    def topic_place(rank: int) -> str:
        """'my top topic', 'my second-biggest topic', ..., 'my topic number 7'."""
        if rank == 1:
            return "my top topic"
        if rank in _ORDINAL_WORDS:
            return f"my {_ORDINAL_WORDS[rank]}-biggest topic"
        return f"my topic number {rank}"

    def content(self, f: Fact, lead: str | None = None) -> None:
        v = f.v
        lead = lead or f"Number {int(v.get('rank', 0))} on my list is"
        self.out.say(f"{lead} \"{v['title']}\", with {amount(v['count'])} "
                     f"{fmt.noun(self.p.count_name, v['count'])} from my group", f)

    def rate(self, f: Fact) -> None:
        v = f.v
        if is_average(v["column"], self.p.count_name):
            self.out.say(f"My group gives an average {fmt.noun(v['column'])} of {v['per_primary']:.3g} "
                         f"(over its {amount(self.p.stats.group_interactions)} {self.words})", f)
        else:
            self.out.say(f"My group has {amount(v['total'])} {fmt.noun(v['column'])} in total, "
                         f"{v['per_primary']:.3g} {fmt.noun(v['column'])} per {fmt.noun(self.p.count_name, 1)}", f)

    def demographics(self, f: Fact, parts: Sequence[str] = ("age", "gender", "country")) -> None:
        v = f.v
        bits: list[str] = []
        if not parts:
            return
        if "age" in parts:
            bits.append(f"I'm {v['age']} years old" if v.get("age") is not None else "my age is not in the data")
        if "gender" in parts:
            if v.get("gender"):
                bits.append(f"{'' if bits else 'I am '}{v['gender']}")
            else:
                bits.append("my gender is not in the data")
        if "country" in parts:
            if v.get("country"):
                bits.append(f"{'' if bits else 'I am '}from {place(str(v['country']))}")
            else:
                bits.append("my country is not in the data")
        sentence = ", ".join(bits)
        self.out.say(sentence[0].upper() + sentence[1:], f)

    def group(self, f: Fact) -> None:
        self.out.say(f"I stand for the demographic group {f.v['group_label']}", f)

    def quote(self, f: Fact) -> None:
        m = re.search(r'commented on "(.*)": "(.*)"$', f.text, re.DOTALL)
        if m:
            self.out.say(f"A viewer from my group commented on \"{m.group(1)}\": \"{m.group(2)}\"", f)

    def unit_note(self) -> None:
        """'How many views?' of data that counts ratings: say what it counts before the figure."""
        m = _COUNT_NOUN.search(self.q)
        if m and m.group(1) != self.words:
            self.out.say(f"{NO_DATA} in {m.group(1)}: it counts {self.words}")

    def no_data(self, rest: str = "") -> None:
        """"My data doesn't tell me that" + rest (rest starts with ':' or ' ', or replaces 'that' when it
        starts with a word such as 'why')."""
        if rest and rest[0].isalpha():
            self.out.say(f"{NO_DATA.rsplit(' ', 1)[0]} {rest}")
        else:
            self.out.say(f"{NO_DATA}{rest}")

    # ------------------------------------------------------------------ answers by kind

    def one_of(self, fact_type: str, facts: Sequence[Fact]) -> Fact | None:
        found = self.of(fact_type, facts)
        return found[0] if found else None

    def _names_subject(self) -> bool:
        # "what do you say?" asks for comments in general; "what do you think of our prices?" about something
        return bool(self._subject_words())

    def _subject_words(self) -> set[str]:
        return {w for w in re.findall(r"[a-z]+", self.q) if len(w) > 3 and w not in _QUOTE_STOP}

    def _relevant_quotes(self) -> list[Fact]:
        words = self._subject_words()
        out = []
        for f in self.ranked("quote"):
            text = set(re.findall(r"[a-z]+", f.text.lower()))
            if words & text:
                out.append(f)
        return out

