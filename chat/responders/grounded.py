"""The grounded responder: first-person answers composed from the retrieved facts, with no model at all.

Every statement comes from a sentence of chat/responders/sentences.py (the fact's exact numbers, cited as
``[n]``). What the retrieved facts do not cover gets "my data doesn't tell me that" and, where it helps,
what the data does say instead. It is the default responder: offline, fast, and the fallback of the
faithfulness gate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from personas import formatting as fmt
from retrieval.documents import is_average
from vocabulary import GENDER_WORDS

from ..intents import QUOTED, Intent, countries_named
from ..kinds import SURVEY_REFUSED, spec
from .answers_about import AboutAnswers
from .answers_survey import SurveyAnswers
from .answers_watching import WatchingAnswers
from .base import ResponderRequest
from .sentences import NO_DATA, Fact, facts_of, place, amount

_TIME_WORDS = re.compile(r"\bhow long\b|\bminutes?\b|\bhours?\b|\bseconds?\b|\bduration\b|\bwatch time\b")
# Counts a question may name that a dataset may lack ("how many likes?" of MovieLens)
_NAMED_RATE = re.compile(r"\b(likes|dislikes|shares|subscribers|subscriptions|clicks|downloads)\b")
_PEOPLE = re.compile(r"\bhow many (people|viewers|users|persons|members|of you)\b|\bhow many are you\b")
_GENDERS = GENDER_WORDS
_GENDER_WORD = re.compile(r"\b(" + "|".join(_GENDERS) + r")\b", re.IGNORECASE)


def _other_group_word(question: str) -> str | None:
    """A gender word that asks about other people ("what about women?"), not one inside a title ("Iron Man",
    "Rain Man", a quoted title) or "you guys": lowercase, or the question's first word."""
    bare = QUOTED.sub(" ", question)
    for m in _GENDER_WORD.finditer(bare):
        word = m.group(1)
        before = bare[:m.start()]
        if re.search(r"\byou\s+$", before, re.IGNORECASE) or (word[0].isupper() and before.strip()):
            continue
        return word.lower()
    return None
# A name the question compares with: "different from Ana", "compare yourself with Ana Souza"
_NAME_AFTER = re.compile(r"\b(?:from|with|than|to|and|versus|vs\.?)\s+([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)")


class GroundedResponder:
    name = "grounded"

    def stream(self, request: ResponderRequest) -> Iterator[str]:
        text = self.compose(request)
        # Word by word, so the app streams this responder like any other.
        yield from re.findall(r"\S+\s*", text)

    def compose(self, request: ResponderRequest) -> str:
        p = request.persona
        facts = facts_of(request)
        mine = [f for f in facts if f.persona_id == p.id]
        # The chain reads the question (chat/understanding.py) before it retrieves; a request built without
        # that reading is answered from what the question names alone.
        intent = request.intent or Intent("unknown")
        return _Composer(p, mine, facts, request, intent).answer()


# Kinds about what the persona's own group watches: a question of these kinds that names another country or
# gender asks about other people, whom the persona's data does not cover
_OWN_GROUP_KINDS = frozenset(["topics", "topic", "topic_pair", "topic_rank", "least", "lifts", "content_top",
                              "content_most", "content_rank", "audience", "rates", "trend", "peak", "regularity",
                              "shared", "advice", "unknown"])


# A survey persona's own answers for kinds it shares with analytics personas (it has no topics or comments)
_SURVEY_COMPOSERS = {"identity": "k_survey_identity", "summary": "k_survey_identity", "quotes": "k_survey_quotes",
                     "unknown": "k_item_missing", **{k: "k_item_missing" for k in SURVEY_REFUSED}}


class _Composer(WatchingAnswers, AboutAnswers, SurveyAnswers):
    """The answer to one question, by its kind: the composer the kind table names (chat/kinds.py)."""

    def answer(self) -> str:
        kind = self.intent.kind
        if self.p.survey is not None:
            getattr(self, _SURVEY_COMPOSERS.get(kind, spec(kind).composer), self.k_unknown)()
            if not self.out.parts:
                self.no_data(": the facts I found don't answer it")
            return self.out.text()
        if kind in _OWN_GROUP_KINDS:
            elsewhere = self.other_country()
            if elsewhere:
                self.k_elsewhere(elsewhere)
                return self.out.text()
            gender = _other_group_word(self.request.question)
            if gender and self.p.gender and _GENDERS[gender] != self.p.gender.lower():
                self.k_other_gender(gender)  # "what about women?" asked of a male group's persona
                return self.out.text()
        handler = getattr(self, spec(kind).composer, None) or self.k_unknown
        handler()
        if not self.out.parts:
            self.no_data(": the facts I found don't answer it")
        return self.out.text()

    def other_country(self) -> tuple[str, str] | None:
        """A country the question names that is not the persona's own: (code, name)."""
        for code, name in countries_named(self.request.question):
            if name != self.p.country:
                return code, name
        return None

    def k_elsewhere(self, country: tuple[str, str]) -> None:
        code, name = country
        d = self.one("demographics")
        if d is not None and d.v.get("country"):
            self.out.say(f"My data doesn't tell me that for {place(name)}: it is about my own group, in "
                         f"{place(str(d.v['country']))}", d)
        else:
            self.no_data(f": my data doesn't break my {self.words} down for {place(name)}")
        f = self.one("shared")
        if f is not None:
            m = re.search(rf"([^;:]*?, {re.escape(code)}) \(([\d.]+%)\)", f.text)
            if m:
                self.out.say(f"Among the groups that share my behaviour, {m.group(1).strip()} holds {m.group(2)} "
                             f"of it", f)

    def k_other_gender(self, word: str) -> None:
        d = self.one("demographics")
        if d is None:
            self.no_data(f"for {word}: my data is about my own group only")
            return
        self.out.say(f"My data doesn't tell me that for {word}: it is about my own group, {d.v['group_label']}", d)

    def k_meta(self) -> None:
        # first a plain no: the question asked to step outside the data (invent, pretend, reveal the rules)
        self.out.say(f"I can't say anything my group's data doesn't hold: I'm {self.p.name}, a data-driven "
                     f"persona")
        self.out.say("I can only answer from my group's data, so ask me what my group watches, how big it is, or "
                     "what it says in its comments")

    def k_greeting(self) -> None:
        if re.search(r"\bthank", self.q):
            self.out.say("You're welcome. Ask me anything else about my group's data")
            return
        self.out.say(f"Hi, I'm {self.p.name}. Ask me what my group watches, how big it is, or what it says")

    def k_real_person(self) -> None:
        # "are you an AI?" is not answered "No": a persona generated from data is, in a way, just that
        machine = re.search(r"\b(ai|bot|robot|machine|computer|program)\b", self.q)
        self.out.say(f"{'In a way, yes: ' if machine else 'No. '}I'm {self.p.name}, a data-driven persona: I represent "
                     f"a group of real viewers, not one real individual, and my name and picture are made up")
        a = self.one("audience")
        if a is not None:
            self.audience(a)
        d = self.one("demographics")
        if d is not None:
            self.group(d)

    def k_identity(self) -> None:
        self.out.say(f"I'm {self.p.name}, a data-driven persona who represents a group of real viewers, "
                     f"not one real person")
        d = self.one("demographics")
        if d is not None:
            self.group(d)
            self.demographics(d, [k for k in ("age", "gender", "country") if d.v.get(k) is not None])
        a = self.one("audience")
        if a is not None:
            self.audience(a)
        tops = self.ranked("topic")[:2]
        if tops:
            self.topic(tops[0])

    def k_job(self) -> None:
        d = self.one("demographics")
        if d is None:
            self.no_data(": my demographic facts did not come up for this question")
            return
        cols = {k[len("group_"):]: str(val) for k, val in d.v.items() if k.startswith("group_") and k != "group_label"}
        known = {"age", "gender", "sex", "country", "location", "region"}
        extra = {c: val for c, val in cols.items() if c.lower() not in known}
        if not extra:
            self.no_data(f": my group is defined by {', '.join(cols) or 'demographics'} only, not by occupation")
            return
        # "are you a student?" gets the occupation itself: a "yes"/"no" in front reads to the gate as a claim
        for col, val in extra.items():
            self.out.say(f"My group's {col.replace('_', ' ')} is {val}", d)
        self.group(d)

    def k_age(self) -> None:
        self._demo(("age",))

    def k_gender(self) -> None:
        self._demo(("gender",))

    def k_country(self) -> None:
        d = self.one("demographics")
        if d is not None and not d.v.get("country"):
            cols = [k[len("group_"):] for k in d.v if k.startswith("group_") and k != "group_label"]
            self.no_data(f"where my group lives: it is defined by {fmt.join(cols) or 'other columns'}, not by "
                         f"country")
            self.group(d)
            return
        self._demo(("country",))

    def k_demographics(self) -> None:
        self._demo(("age", "gender", "country"))

    def _demo(self, parts: Sequence[str]) -> None:
        d = self.one("demographics")
        if d is None:
            self.no_data(": my demographic facts did not come up for this question")
            return
        self.demographics(d, parts)
        self.group(d)

    def k_audience(self) -> None:
        a = self.one("audience")
        if a is None:
            self.no_data(": my audience figures did not come up for this question")
            return
        if _PEOPLE.search(self.q) and a.v.get("group_users") is None:
            self.no_data(f"how many people are in my group: it counts {self.words}, not people")
        self.unit_note()
        self.audience(a)

    def _compare_with_whom(self) -> None:
        """A comparison that names no persona of this set: say so, and name those it can compare with."""
        topics = {t.lower() for t in self.set_topics()}
        asked = next((m.group(1) for m in _NAME_AFTER.finditer(self.request.question)
                      if m.group(1).lower() not in topics and not countries_named(m.group(1))
                      and m.group(1) not in ("I", "You", "Me")), None)
        if asked:
            self.out.say(f"My data doesn't have a persona called {asked} in this set")
        names = {o.id: o.name for o in self.request.set_personas if o.id != self.p.id}
        cards = [f for f in self.all if f.type == "audience" and f.persona_id in names]
        if cards:
            listed = [names[f.persona_id] for f in cards]
            self.out.say(f"The other personas in this set are {fmt.join(listed)}", *cards)
            self.out.say("Ask me how I differ from one of them, by name")
        else:
            self.out.say("Ask me how I differ from another persona of this set, by name")

    def k_quotes(self) -> None:
        f, title = self.named_topic(), self.named_title()
        if not self.p.quotes:  # the data has no comments at all (MovieLens): what it has about the subject
            self.no_data(": it has no comments from my group")
            if f is not None:
                self.topic(f)
            elif title is not None:
                self.listed(title)
            return
        if f is not None:  # "what do you think of cooking videos?": the topic's figures, then its comments
            self.topic(f)
        # A subject only counts when it is something of the data (a topic, a title, a word some comment uses):
        # "share something your group said" asks for comments in general, "what do you say about Japan?" not
        specific = f is not None or title is not None or bool(self._relevant_quotes())
        quotes = self._relevant_quotes() if specific else self.ranked("quote")
        if quotes and re.search(r"\b(which|what) (video|title|item|movie|film)s?\b", self.q):
            titles = list(dict.fromkeys(str(f.v["title"]) for f in quotes if f.v.get("title")))
            if titles:
                quoted = fmt.join([f'"{t}"' for t in titles])
                self.out.say(f"My data has comments from my group on {quoted}", *quotes)
        top = self.ranked("content")[:1]
        if top and re.search(r"\b(favou?rite|best|top|most)\b", self.q):
            # comments on "your favourite video": those on my number 1 first
            quotes.sort(key=lambda f: f.v.get("title") != top[0].v["title"])
        if not quotes:
            if f is None:
                self.no_data(": none of my group's comments that I found are about that")
            return
        for f in quotes[:2]:
            self.quote(f)

    def k_rates(self) -> None:
        rates = self.of("rate")
        if not rates:
            self.no_data(": the data has no counts besides " + self.words)
            return
        asked = self._rates_asked(rates)
        if not asked:  # "how long do you watch?" of data without watch time: say so, then what it has
            what = "watch time" if _TIME_WORDS.search(self.q) else _NAMED_RATE.search(self.q).group(1)
            has = [("average " if is_average(f.v["column"], self.p.count_name) else "") + fmt.noun(f.v["column"])
                   for f in rates]
            self.no_data(f"{what}: besides {self.words}, it has only my group's {fmt.join(has)}")
        rates = asked or rates
        title = self.intent.quoted
        if title:
            self.out.say(f"My data doesn't tell me that for \"{title}\" alone: it has these counts for my whole group")
        for f in rates:
            self.rate(f)

    def _rates_asked(self, rates: list[Fact]) -> list[Fact]:
        """The counts the question asks about ("how long?" -> watch minutes; "likes" -> likes); all when it
        asks about engagement in general or names none of them."""
        if re.search(r"\bengag", self.q):
            return rates
        if _TIME_WORDS.search(self.q):
            return [f for f in rates if re.search(r"minute|second|hour|time|duration", str(f.v["column"]))]
        hit = [f for f in rates if any(re.search(rf"\b{re.escape(w.rstrip('s'))}s?\b", self.q)
                                       for w in str(f.v["column"]).lower().split("_") if len(w) > 2)]
        return hit or ([] if _NAMED_RATE.search(self.q) else rates)

    def k_shared(self) -> None:
        f = self.one("shared")
        if f is None:
            self.no_data(": the groups that share my behaviour did not come up")
            return
        if re.search(r"\bpersonas?\b", self.q):
            self.no_data("which persona is most like me: it lists the groups that share my behaviour")
        m = re.search(r"with their share of it: (.*)\. .*own group holds", f.text)
        if m:
            self.out.say(f"Other groups that share my behaviour, with their share of it: {m.group(1)}", f)
        self.out.say(f"My own group holds {fmt.share(f.v['own_weight'])} of it", f)

    def k_quality(self) -> None:
        f = self.one("quality")
        if f is None:
            self.no_data(": my stability figures did not come up")
            return
        self.out.say(f"{fmt.share(f.v['behaviour_share'])} of my group's activity follows my behaviour pattern, "
                     f"which has a stability of {f.v['stability']:.2f} across repeated NMF runs "
                     f"(1.00 = identical every time)", f)

    def k_unknown(self) -> None:
        topic = self.named_topic()
        if topic is not None:
            self.topic(topic)
            return
        if self.missing_topic():  # "do you like westerns?": a topic, though not one the data lists for me
            self.k_topic_missing()
            return
        title = self.named_title()
        if title is not None:
            self.content(title)
            return
        quotes = self._relevant_quotes()
        if quotes:
            self.no_data("that directly, but my group's comments touch on it")
            self.quote(quotes[0])
            return
        self.no_data(self._coverage())

    def _coverage(self) -> str:
        has = [self.words, "topics", "top content"] + ["comments"] * bool(self.p.quotes) + \
            ["activity over time"] * bool(self.p.stats.trend)
        return f": it covers what my group watched ({fmt.join(has)}), not that"


def is_refusal(text: str) -> bool:
    """Whether an answer says the data does not cover the question (used by evaluation and tests)."""
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0].lower()  # said first, or not a refusal
    return NO_DATA.rsplit(" ", 1)[0].lower() in first or "isn't in my data" in first or "data doesn't hold" in first
