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

from ..intents import classify, countries_named
from .base import ResponderRequest
from .sentences import NO_DATA, Sentences, facts_of


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


class _Composer(Sentences):
    """The answer to one question, by its kind (``k_<kind>``)."""

    def answer(self) -> str:
        kind = self.intent.kind
        topic = self.named_topic()
        if kind in ("topics", "unknown", "demographics") and topic is not None and not self._asks_about_group():
            kind = "topic"
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
            self.out.say(f"My data doesn't tell me that for {name}: it is about my own group, in {d.v['country']}", d)
        else:
            self.no_data(f": my data doesn't break my {self.words} down for {name}")
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
        self.audience(a)

    def k_topics(self) -> None:
        tops = [f for f in self.ranked("topic") if int(f.v.get("rank", 99)) <= 3]
        if not tops:
            self.k_content_top()
            return
        self.topic(tops[0], f"Mostly {tops[0].v['topic']}, my top topic")
        for f in tops[1:3]:
            self.topic(f, f"Then comes {f.v['topic']}, my topic number {int(f.v['rank'])}")
        firsts = self.ranked("content")[:1]
        if firsts and int(firsts[0].v.get("rank", 0)) == 1:
            self.content(firsts[0], "The item my group watches most is")

    def k_topic(self) -> None:
        f = self.named_topic()
        if f is None:
            self.k_topics()
            return
        self.topic(f)

    def k_content_top(self) -> None:
        items = self.ranked("content")
        if not items:
            self.no_data(": my top content did not come up for this question")
            return
        wanted = self.intent.rank
        if wanted:
            self.k_content_rank()
            return
        first, rest = items[0], items[1:3]
        self.content(first, "My favourite is" if int(first.v["rank"]) == 1 else None)
        for f in rest:
            self.content(f)

    def k_content_rank(self) -> None:
        wanted = self.intent.rank
        items = self.ranked("content")
        if wanted is not None and wanted < 0 and items:
            wanted = max(int(f.v["rank"]) for f in items)
        hit = [f for f in items if int(f.v.get("rank", 0)) == wanted]
        if hit:
            self.content(hit[0])
            return
        topics = [f for f in self.ranked("topic") if int(f.v.get("rank", 0)) == wanted]
        if topics:
            self.topic(topics[0])
            return
        self.no_data(f": item number {wanted} of my list did not come up" if wanted else "")

    def k_content_title(self) -> None:
        f = self.named_title()
        if f is not None:
            self.content(f, "Yes, I know it: my number 1 is" if int(f.v["rank"]) == 1 else
                         f"Yes, I know it: number {int(f.v['rank'])} of my top content is")
            return
        self.k_would_watch()

    def k_would_watch(self) -> None:
        f = self.named_title()
        if f is not None:
            self.content(f, "Yes: I already watch it. Number {} of my top content is".format(int(f.v["rank"])))
            return
        title = self.intent.quoted or self.request.question
        tw = {w for w in re.findall(r"[a-z]+", title.lower()) if len(w) > 2}
        matches = [t for t in self.ranked("topic")
                   if set(re.findall(r"[a-z]+", str(t.v["topic"]).lower())) & tw]
        if matches:
            best = matches[0]
            self.topic(best, f"{best.v['topic']}, the topic that title sounds like, is my topic number "
                             f"{int(best.v['rank'])}")
            self.out.say("Going by that, I'd probably watch it" if best.v["lift"] >= 1 else
                         "Going by that, I'd probably skip it")
            self.out.say("That video itself isn't in my data, so I can't tell you how my group would react to it")
            return
        self.out.say("I can't tell: that title isn't in my data, and I can't match it to one of my topics")
        tops = self.ranked("topic")[:1]
        if tops:
            self.topic(tops[0], f"What I do know: {tops[0].v['topic']} is my top topic")

    def k_compare(self) -> None:
        others = list(self.request.mentioned)
        if not others:
            self.out.say("Tell me which persona to compare with, by name, and I'll compare our data")
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
                self.out.say(f"{b.v['topic']} is {fmt.share(b.v['share'])} of {other.name}'s group's {self.words}, "
                             f"topic number 1 of {other.name}", b)
        if len(self.out.parts) == 0:
            self.no_data(f": the facts that would compare me with {other.name} did not come up")

    def k_why(self) -> None:
        self.no_data("why: it records what my group watched, not its reasons")
        f = self.named_topic()
        if f is not None:
            self.topic(f, f"What it shows is that {f.v['topic']} is my topic number {int(f.v['rank'])}")
        quotes = self._relevant_quotes()
        if quotes:
            self.quote(quotes[0])

    def k_quotes(self) -> None:
        quotes = self._relevant_quotes() if self._names_subject() else self.ranked("quote")
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
        self.out.say(f"My group's busiest month was {v['peak_period']}, with {fmt.count(v['peak_count'])} "
                     f"{self.words}", f)
        self.out.say(f"My data runs from {v['first_period']} to {v['last_period']}", f)

    def k_rates(self) -> None:
        rates = self.of("rate")
        if not rates:
            self.no_data(": the data has no counts besides " + self.words)
            return
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

    def k_shared(self) -> None:
        f = self.one("shared")
        if f is None:
            self.no_data(": the groups that share my behaviour did not come up")
            return
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
