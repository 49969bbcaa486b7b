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
from personas.stats import TrendPoint
from retrieval.documents import is_average

from ..intents import classify, countries_named
from .base import ResponderRequest
from .answers_watching import WatchingAnswers
from .sentences import NO_DATA, Fact, facts_of, join as _join, place

_DIRECTION = re.compile(r"\bgoing (up|down)\b|\bup or down\b|\blately\b|\brecent(ly)?\b|\b(increas|decreas|declin|"
                        r"rising|falling|growing|growth)\w*|\btrend")
_TIME_WORDS = re.compile(r"\bhow long\b|\bminutes?\b|\bhours?\b|\bseconds?\b|\bduration\b|\bwatch time\b")
_PEOPLE = re.compile(r"\bhow many (people|viewers|users|persons|members|of you)\b|\bhow many are you\b")
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
        intent = classify(request.question)
        return _Composer(p, mine, facts, request, intent).answer()


class _Composer(WatchingAnswers):
    """The answer to one question, by its kind (``k_<kind>``)."""

    def answer(self) -> str:
        kind = self.intent.kind
        about_topic = kind in ("topics", "unknown", "demographics", "content_top", "audience") and \
            not self._asks_about_group() and not self.intent.quoted and self.intent.rank is None
        named, missing = self.named_topics(), self.missing_topic()
        if about_topic and len(named) >= 2:
            kind = "topic_pair"
        elif about_topic and named:
            kind = "topic"
        elif about_topic and missing and kind != "audience":
            kind = "topic_missing"
        elif kind == "audience" and self.named_title() is not None:
            kind = "content_title"  # 'how many views did it get? ("<title>")'
        elif self.intent.rank is not None and re.search(r"\btopics?\b", self.q) and \
                kind in ("content_rank", "content_top", "topics", "audience"):
            kind = "topic" if named else "topic_rank"  # "What is your topic number 2?"
        elif self.intent.rank is not None and kind == "audience" and re.search(r"\btop content\b", self.q):
            kind = "content_rank"  # "how many views did number 1 of your top content get?"
        elsewhere = self.other_country()
        if elsewhere and kind not in ("compare", "would_watch", "content_title", "quotes", "why"):
            self.k_elsewhere(elsewhere)
            return self.out.text()
        handler = getattr(self, f"k_{kind}", None) or self.k_unknown
        handler()
        if not self.out.parts:
            self.no_data(": the facts I found don't answer it")
        return self.out.text()

    def _asks_about_group(self) -> bool:
        return bool(re.search(r"\b(how old|where|gender|country)\b", self.q))

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

    def k_meta(self) -> None:
        self.out.say(f"I'm {self.p.name}, a data-driven persona")
        self.out.say("I can only answer from my group's data, so ask me what my group watches, how big it is, or "
                     "what it says in its comments")

    def k_greeting(self) -> None:
        self.out.say(f"Hi, I'm {self.p.name}. Ask me what my group watches, how big it is, or what it says")

    def k_real_person(self) -> None:
        self.out.say(f"No. I'm {self.p.name}, a data-driven persona: I represent a group of real viewers, "
                     f"not one real individual, and my name and picture are made up")
        a = self.one("audience")
        if a is not None:
            self.audience(a)
        d = self.one("demographics")
        if d is not None:
            self.group(d)

    def k_identity(self) -> None:
        d, a, tops = self.one("demographics"), self.one("audience"), self.ranked("topic")[:1]
        if re.search(r"\bone sentence\b|\bin a nutshell\b|\bbriefly\b|\bin short\b", self.q) and d and a and tops:
            t = tops[0]
            self.out.say(f"I'm {self.p.name}, a data-driven persona for the group {d.v['group_label']}, with "
                         f"{fmt.count(a.v['group_interactions'])} {self.words} ({fmt.share(a.v['audience_share'])} of "
                         f"all {self.words}), mostly into {t.v['topic']} ({fmt.share(t.v['share'])} of my group's "
                         f"{self.words})", d, a, t)
            return
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
        for col, val in extra.items():
            self.out.say(f"My group's {col.replace('_', ' ')} is {val}", d)
        self.group(d)

    def k_age(self) -> None:
        self._demo(("age",))

    def k_gender(self) -> None:
        self._demo(("gender",))

    def k_country(self) -> None:
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
        self.audience(a)

    def k_compare(self) -> None:
        others = list(self.request.mentioned)
        if not others:
            self._compare_with_whom()
            return
        other = others[0]
        theirs = [f for f in self.all if f.persona_id == other.id]
        mine_a, their_a = self.one("audience"), self.one_of("audience", theirs)
        mine_d, their_d = self.one("demographics"), self.one_of("demographics", theirs)
        if mine_d and their_d:
            self.group(mine_d)
            self.out.say(f"{other.name} stands for the demographic group {their_d.v['group_label']}", their_d)
        if mine_a and their_a:
            self.audience(mine_a)
            self.out.say(f"{other.name}'s group has {fmt.count(their_a.v['group_interactions'])} {self.words} in "
                         f"total, which is {fmt.share(their_a.v['audience_share'])} of all {self.words}", their_a)
        my_top = self.ranked("topic")[:1]
        their_top = sorted(self.of("topic", theirs), key=lambda f: f.v.get("rank", 99))[:1]
        if my_top and their_top:
            a, b = my_top[0], their_top[0]
            if int(a.v["rank"]) == 1 and int(b.v["rank"]) == 1:
                self.topic(a)
                self.out.say(f"{b.v['topic']} is {other.name}'s top topic: {fmt.share(b.v['share'])} of "
                             f"{other.name}'s group's {self.words}", b)
        if len(self.out.parts) == 0:
            self.no_data(f": the facts that would compare me with {other.name} did not come up")

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
            self.out.say(f"The other personas in this set are {_join(listed)}", *cards)
            self.out.say("Ask me how I differ from one of them, by name")
        else:
            self.out.say("Ask me how I differ from another persona of this set, by name")

    def k_why(self) -> None:
        self.no_data("why: it records what my group watched, not its reasons")
        f, missing = self.named_topic(), self.missing_topic()
        if f is not None:
            self.topic(f, f"What it shows is that {f.v['topic']} is {self.topic_place(int(f.v['rank']))}")
        elif missing:  # "why do you like cooking videos?" asked of a persona whose data lists no Cooking
            self.out.say(f"My data doesn't show {missing} among the topics it lists for my group either")
            for top in self.ranked("topic")[:1]:
                self.topic(top, f"What it shows is that {top.v['topic']} is my top topic")
        quotes = self._relevant_quotes()
        if quotes:
            self.quote(quotes[0])

    def k_quotes(self) -> None:
        quotes = self._relevant_quotes() if self._names_subject() else self.ranked("quote")
        if quotes and re.search(r"\b(which|what) (video|title|item|movie|film)s?\b", self.q):
            titles = list(dict.fromkeys(str(f.v["title"]) for f in quotes if f.v.get("title")))
            if titles:
                quoted = _join([f'"{t}"' for t in titles])
                self.out.say(f"My data has comments from my group on {quoted}", *quotes)
        top = self.ranked("content")[:1]
        if top and re.search(r"\b(favou?rite|best|top|most)\b", self.q):
            # comments on "your favourite video": those on my number 1 first
            quotes.sort(key=lambda f: f.v.get("title") != top[0].v["title"])
        if not quotes:
            self.no_data(": none of my group's comments that I found are about that")
            return
        for f in quotes[:2]:
            self.quote(f)

    def k_trend(self) -> None:
        f = self.one("trend")
        if f is None:
            self.no_data(": my activity over time did not come up, or the data has no dates")
            return
        v = f.v
        if _DIRECTION.search(self.q):
            self._direction(f)
        self.out.say(f"My group's busiest month was {v['peak_period']}, with {fmt.count(v['peak_count'])} "
                     f"{self.words}", f)
        self.out.say(f"My data runs from {v['first_period']} to {v['last_period']}", f)

    def _direction(self, f: Fact) -> None:
        """Up or down lately: the last months against as many months before them (at most three each)."""
        pts = self.p.stats.trend
        n = min(3, len(pts) // 2)
        if n == 0:
            return
        recent, before = pts[-n:], pts[-2 * n:-n]
        now, then = sum(p.count for p in recent), sum(p.count for p in before)

        def span(ps: Sequence[TrendPoint]) -> str:
            return f"in {ps[0].period}" if len(ps) == 1 else f"from {ps[0].period} to {ps[-1].period}"

        if now < 0.9 * then:
            how = f"fewer {self.words} {span(recent)} than {span(before)}"
        elif now > 1.1 * then:
            how = f"more {self.words} {span(recent)} than {span(before)}"
        else:
            how = f"about as many {self.words} {span(recent)} as {span(before)}"
        self.out.say(f"My group had {how}", f)
        self.out.say("By month: " + "; ".join(f"{p.period}: {fmt.count(p.count)}" for p in [*before, *recent]), f)

    def k_rates(self) -> None:
        rates = self.of("rate")
        if not rates:
            self.no_data(": the data has no counts besides " + self.words)
            return
        rates = self._rates_asked(rates)
        title = self.intent.quoted
        if title:
            self.out.say(f"My data doesn't tell me that for \"{title}\" alone: it has these counts for my whole group")
        for f in rates:
            v = f.v
            if is_average(v["column"], self.p.count_name):
                self.out.say(f"My group gives an average {fmt.noun(v['column'])} of {v['per_primary']:.3g} "
                             f"(over its {fmt.count(self.p.stats.group_interactions)} {self.words})", f)
            else:
                self.out.say(f"My group has {fmt.count(v['total'])} {fmt.noun(v['column'])} in total, "
                             f"{v['per_primary']:.3g} {fmt.noun(v['column'])} per {fmt.noun(self.p.count_name, 1)}",
                             f)

    def _rates_asked(self, rates: list[Fact]) -> list[Fact]:
        """The counts the question asks about ("how long?" -> watch minutes; "likes" -> likes); all when it
        asks about engagement in general or names none of them."""
        if re.search(r"\bengag", self.q):
            return rates
        if _TIME_WORDS.search(self.q):
            hit = [f for f in rates if re.search(r"minute|second|hour|time|duration", str(f.v["column"]))]
        else:
            hit = [f for f in rates if any(re.search(rf"\b{re.escape(w.rstrip('s'))}s?\b", self.q)
                                           for w in str(f.v["column"]).lower().split("_") if len(w) > 2)]
        return hit or rates

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
        return (f": it covers what my group watched ({self.words}, topics, top content, comments and "
                f"activity over time), not that")


def is_refusal(text: str) -> bool:
    """Whether an answer says the data does not cover the question (used by evaluation and tests)."""
    return NO_DATA.lower() in text.lower() or "isn't in my data" in text.lower()
