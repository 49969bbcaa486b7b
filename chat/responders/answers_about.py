"""What the grounded responder says about the persona as a whole: a one-line summary, what stands out against
the whole audience (lifts), how regularly and when its group watches, how it differs from another persona,
and, for what the data never records, that plain fact first and then the closest thing it does record.

A mixin of chat/responders/grounded.py's composer; every sentence comes from chat/responders/sentences.py.
"""

from __future__ import annotations

import re

from personas import formatting as fmt

from ..kinds import spec
from .sentences import Fact, Sentences, amount

_TIME = re.compile(r"minute|second|hour|time|duration")


class AboutAnswers(Sentences):
    """Answers about the persona as a whole (``k_<kind>`` methods, dispatched by the composer)."""

    def k_summary(self) -> None:
        """One line for a slide: who, how big, what it watches most and where it stands out."""
        d, a, tops = self.one("demographics"), self.one("audience"), self.ranked("topic")
        if d is None or a is None or not tops:
            self.k_identity()  # type: ignore[attr-defined]
            return
        top = tops[0]
        self.out.say(f"I'm {self.p.name}, a data-driven persona for the group {d.v['group_label']}, with "
                     f"{amount(a.v['group_interactions'])} {self.words} ({fmt.share(a.v['audience_share'])} of all "
                     f"{self.words}), mostly into {top.v['topic']} ({fmt.share(top.v['share'])} of my group's "
                     f"{self.words})", d, a, top)
        over = self._standouts()[:1]
        if over and over[0] is not top:
            f = over[0]
            self.out.say(f"It stands out for {f.v['topic']}, at {fmt.lift(f.v['lift'])} the share of the whole "
                         f"audience", f)

    def _standouts(self) -> list[Fact]:
        """My listed topics above the whole audience's share, the highest lift first."""
        return sorted((f for f in self.of("topic") if f.v.get("lift", 0) > 1),
                      key=lambda f: (-f.v["lift"], f.v.get("rank", 99)))

    def k_lifts(self) -> None:
        """"What stands out?" / "where do you over-index?": topics by lift against the whole audience."""
        over = self._standouts()
        if not over:
            tops = self.ranked("topic")
            if not tops:
                self.no_data(": my topics did not come up for this question")
                return
            self.topic(tops[0], f"None of my topics is above the whole audience's share; closest is "
                                f"{tops[0].v['topic']}")
            return
        first = over[0]
        self.topic(first, f"What stands out against the whole audience is {first.v['topic']}, "
                          f"{self.topic_place(int(first.v['rank']))}")
        for f in over[1:3]:
            self.out.say(f"{f.v['topic']} is also above it, at {fmt.lift(f.v['lift'])} the share of the whole "
                         f"audience", f)
        under = [f for f in self.ranked("topic") if f.v.get("lift", 1) < 1][-1:]
        if under:
            f = under[0]
            self.out.say(f"{f.v['topic']} is below it, at {fmt.lift(f.v['lift'])} the share of the whole "
                         f"audience", f)

    def k_regularity(self) -> None:
        """"How often?": in which months the group was active, its quietest and busiest month."""
        f, pts = self.one("trend"), self.p.stats.trend
        if f is None or not pts:
            a = self.one("audience")
            self.no_data("how often my group watches: the data has no dates, only totals")
            if a is not None:
                self.audience(a)
            return
        first, last = pts[0].period, pts[-1].period
        gaps = _months_between(first, last) - len(pts)
        if gaps <= 0:
            self.out.say(f"My group has {self.words} in every month from {first} to {last}", f)
        else:
            self.out.say(f"My data runs from {first} to {last}, and some months have no {self.words}", f)
        low = min(pts, key=lambda p: (p.count, p.period))
        high = max(pts, key=lambda p: (p.count, p.period))
        if low.period != high.period:
            self.out.say(f"Its quietest month was {low.period} ({amount(low.count)} {self.words}) and its "
                         f"busiest {high.period} ({amount(high.count)} {self.words})", f)
        self.no_data("how often each viewer returns: it counts what my group watched per month")

    def k_unrecorded(self) -> None:
        """What audience data never records: say so first, then the closest thing it does record."""
        s = spec(self.intent.kind)
        self.no_data(s.unrecorded or ": it covers what my group watched, not that")
        closest = s.closest
        if self.intent.kind == "why":
            missing = self.missing_topic()
            f = self.named_topic()
            if f is None and missing:  # "why do you like cooking?" asked of a persona whose topics lack it
                self.out.say(f"My data doesn't show {missing} among the topics it lists for my group either")
            f = f or next(iter(self.ranked("topic")), None)
            if f is not None:
                self.topic(f, f"What it does show is that {f.v['topic']} is {self.topic_place(int(f.v['rank']))}")
            quotes = self._relevant_quotes()
            if quotes:
                self.quote(quotes[0])
            return
        if closest == "topic":
            for f in self.ranked("topic")[:1]:
                self.topic(f, f"What it does record is what my group watches: {f.v['topic']} is my top topic")
        elif closest == "audience":
            a = self.one("audience")
            if a is not None:
                self.audience(a)
        elif closest == "trend":
            f = self.one("trend")
            if f is not None:
                self.out.say(f"My group's busiest month was {f.v['peak_period']}, with "
                             f"{amount(f.v['peak_count'])} {self.words}", f)
            else:
                self.no_data("about dates either: it has no activity over time")
        elif closest == "rate":
            rates = [f for f in self.of("rate") if _TIME.search(str(f.v["column"]))]
            if rates:
                self.rate(rates[0])
            else:
                for f in self.ranked("content")[:1]:
                    self.content(f, "What it does record is what my group watched; number 1 on my list is")
        elif closest == "demographics":
            d = self.one("demographics")
            if d is not None:
                self.group(d)

    def k_compare(self) -> None:
        """How I differ from another persona: the difference first, then each side's figures."""
        others = list(self.request.mentioned)
        if not others:
            self._compare_with_whom()  # type: ignore[attr-defined]
            return
        # "David Payne" names one of two Davids: full names first, one persona per first name (at most three)
        others.sort(key=lambda o: o.name.lower() not in self.q)
        chosen = list({o.name.split()[0]: o for o in reversed(others)}.values())[::-1][:2]
        for other in chosen:
            namesakes = [o.name for o in others if o.name.split()[0] == other.name.split()[0]]
            if len(namesakes) > 1 and other.name.lower() not in self.q:
                self.out.say(f"This set has more than one {other.name.split()[0]} ({fmt.join(namesakes)}), so here is "
                             f"{other.name}")
        # One persona per sentence: the checker binds each figure to the persona its sentence names
        mine_top = next(iter(self.ranked("topic")), None)
        for other in chosen:
            theirs = [f for f in self.all if f.persona_id == other.id]
            their_top = next(iter(sorted(self.of("topic", theirs), key=lambda f: f.v.get("rank", 99))), None)
            if mine_top is not None and their_top is not None:
                same = mine_top.v["topic"] == their_top.v["topic"]
                self.out.say(f"{other.name} and I share our top topic" if same else
                             f"{other.name} and I differ most in what we watch")
                self.topic(mine_top)
                self.out.say(f"{their_top.v['topic']} is {other.name}'s top topic: {fmt.share(their_top.v['share'])} "
                             f"of that group's {self.words}", their_top)
            mine_a, their_a = self.one("audience"), self.one_of("audience", theirs)
            if mine_a is not None and their_a is not None:
                self.audience(mine_a)
                self.out.say(f"{other.name}'s group has {amount(their_a.v['group_interactions'])} {self.words} in "
                             f"total, which is {fmt.share(their_a.v['audience_share'])} of all {self.words}", their_a)
            mine_d, their_d = self.one("demographics"), self.one_of("demographics", theirs)
            if mine_d is not None and their_d is not None and mine_d.v["group_label"] != their_d.v["group_label"]:
                self.group(mine_d)
                self.out.say(f"{other.name} stands for the demographic group {their_d.v['group_label']}", their_d)
        if not self.out.parts:
            self.no_data(f": the facts that would compare me with {fmt.join([o.name for o in chosen])} did not come up")


def _months_between(first: str, last: str) -> int:
    """Months from 'YYYY-MM' to 'YYYY-MM', both counted; 0 for periods of another shape."""
    try:
        y1, m1 = (int(x) for x in first[:7].split("-"))
        y2, m2 = (int(x) for x in last[:7].split("-"))
    except ValueError:
        return 0
    return (y2 - y1) * 12 + (m2 - m1) + 1

