"""What the grounded responder says about what a persona watches: its topics (all, one named, a pair, the n-th,
the least), its top content (the list, the most watched by count, the n-th, a title, "would you watch ..."),
what to make next, what it rates highest, and its activity over time.

A mixin of chat/responders/grounded.py's composer; every sentence comes from chat/responders/sentences.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from personas import formatting as fmt
from personas.stats import TrendPoint
from retrieval.documents import is_average

from ..intents import topic_named
from .sentences import Fact, Sentences, amount

_VIDEO_WORDS = re.compile(r"\b(video|movie|film|title|item|content|episode)s?\b")
_DIRECTION = re.compile(r"\bgoing (up|down)\b|\bup or down\b|\blately\b|\brecent(ly)?\b|\b(increas|decreas|declin|"
                        r"rising|falling|growing|growth|chang)\w*|\btrend")
_TOPIC_WORDS = re.compile(r"\b(genres?|topics?|categor\w*)\b")


def _sounds_like(topic: str, title_words: set[str]) -> bool:
    """Whether a title's words name a topic's: 'Budget travel in Japan' ~ Travel, 'Top 10 supercars' ~ Cars."""
    for w in re.findall(r"[a-z]+", topic.lower()):
        if any(x == w or (len(w) >= 4 and x.endswith(w)) for x in title_words):
            return True
    return False


class WatchingAnswers(Sentences):
    """Answers about topics and content (``k_<kind>`` methods, dispatched by the composer)."""

    def k_topics(self) -> None:
        tops = [f for f in self.ranked("topic") if int(f.v.get("rank", 99)) <= 3]
        if not tops:
            self.k_content_top()
            return
        self.topic(tops[0], f"Mostly {tops[0].v['topic']}, my top topic")
        for f in tops[1:3]:
            self.topic(f, f"Then comes {f.v['topic']}, {self.topic_place(int(f.v['rank']))}")
        firsts = self.ranked("content")[:1]
        if firsts and int(firsts[0].v.get("rank", 0)) == 1 and not _TOPIC_WORDS.search(self.q):
            self.content(firsts[0], self.first_lead)

    def k_topic(self) -> None:
        f = self.named_topic()
        if f is None:
            self.k_topics()
            return
        self.topic(f)
        missing = self.missing_topic()
        if missing:  # "more Cooking than Sports?"
            self.out.say(f"My data doesn't show {missing} among the topics it lists for my group")

    def k_topic_pair(self) -> None:
        """"Do you watch more Gaming than DIY?": both shares, and which is the bigger."""
        a, b = self.named_topics()[:2]
        hi, lo = (a, b) if a.v["share"] >= b.v["share"] else (b, a)
        if hi.v["share"] > lo.v["share"] and self.words == "views":
            self.out.say(f"I watch more {hi.v['topic']} than {lo.v['topic']}", hi, lo)
        elif hi.v["share"] > lo.v["share"]:  # "I rate more ..." is no claim the data makes; its share is
            self.out.say(f"{hi.v['topic']} gets more of my group's {self.words} than {lo.v['topic']}", hi, lo)
        self.topic(hi)
        self.topic(lo)

    def k_topic_missing(self) -> None:
        """A topic of the data that is not among this persona's listed topics ("do you like sports?")."""
        self.out.say(f"My data doesn't show {self.missing_topic()} among the topics it lists for my group")
        for f in self.ranked("topic")[:2]:
            self.topic(f)

    def k_topic_rank(self) -> None:
        wanted = self.intent.rank
        tops = self.ranked("topic")
        if wanted is not None and wanted < 0 and tops:  # counted from the bottom: -1 the last, -2 above it
            wanted = max(int(f.v["rank"]) for f in tops) + 1 + wanted
        hit = [f for f in tops if int(f.v.get("rank", 0)) == wanted]
        if hit:
            self.topic(hit[0])
        else:
            self.no_data(f": my topic number {wanted} did not come up")

    def k_least(self) -> None:
        """"What do you watch least?": the lowest of my listed topics, and the data's topics my list lacks."""
        if _VIDEO_WORDS.search(self.q) and not _TOPIC_WORDS.search(self.q):
            self.no_data(f": it lists only the {self.item}s with the most weight in my behaviour")
            items = self.ranked("content")
            if items:
                self.content(items[-1])
            return
        tops = self.ranked("topic")
        if not tops:
            self.no_data(": my topics did not come up for this question")
            return
        low = tops[-1]
        self.topic(low, f"{low.v['topic']} is the lowest of the topics my data lists for my group")
        if len(tops) > 2:
            nxt = tops[-2]
            self.topic(nxt, f"Just above it is {nxt.v['topic']}")
        mine = {str(f.v["topic"]) for f in tops} | set(self.p.topic_names)
        unlisted = [t for t in self.set_topics() if t not in mine][:3]
        if unlisted:
            self.out.say(f"My data doesn't show {fmt.join(unlisted, 'or')} among the topics it lists for my group "
                         f"at all")

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
        self.content(first, self.first_lead if int(first.v["rank"]) == 1 else None)
        for f in rest:
            self.content(f)
        self._order_note([first, *rest])

    @property
    def first_lead(self) -> str:
        return f"The {self.item} with the most weight in my behaviour is"

    def _order_note(self, shown: Sequence[Fact]) -> None:
        """The list goes by weight in the behaviour, not by count: say so when a later item has more."""
        for i, a in enumerate(shown):
            later = [b for b in shown[i + 1:] if b.v["count"] > a.v["count"]]
            if later:
                b = max(later, key=lambda f: f.v["count"])
                self.out.say(f"My list ranks {self.item}s by their weight in my behaviour, so \"{b.v['title']}\" comes "
                             f"after \"{a.v['title']}\" with more {self.words}", a, b)
                return

    def k_content_most(self) -> None:
        """"Most watched": the highest count among the listed items, which need not be number 1 of the list."""
        items = self.ranked("content")
        if not items:
            self.no_data(": my top content did not come up for this question")
            return
        top = max(f.v["count"] for f in items)
        best = [f for f in items if f.v["count"] == top]
        counted = f"{amount(top)} {fmt.noun(self.p.count_name, top)}{' each' if len(best) > 1 else ''} from my group"
        first = items[0]
        if best == [first] and int(first.v["rank"]) == 1:
            self.out.say(f"\"{first.v['title']}\" is number 1 on my list and has the most {self.words} of all the "
                         f"{self.item}s on it: {counted}", first)
            return
        # "among": the superlative is about the listed items by count, which is not the list's own order
        titles = fmt.join([f'"{f.v["title"]}"' for f in best])
        self.out.say(f"Among the {self.item}s on my list, ranked by weight in my behaviour, {titles} "
                     f"{'have' if len(best) > 1 else 'has'} the most {self.words}: {counted}", *best)
        if first not in best and int(first.v["rank"]) == 1:
            self.content(first, f"Number 1 on my list, the {self.item} with the most weight in my behaviour, is")

    def k_content_rank(self) -> None:
        wanted = self.intent.rank
        items = self.ranked("content")
        if wanted is not None and wanted < 0 and items:  # counted from the bottom: -1 the last, -2 above it
            wanted = max(int(f.v["rank"]) for f in items) + 1 + wanted
        hit = [f for f in items if int(f.v.get("rank", 0)) == wanted]
        if hit:
            self.content(hit[0], self.first_lead if wanted == 1 else None)
            return
        topics = [f for f in self.ranked("topic") if int(f.v.get("rank", 0)) == wanted]
        if topics:
            self.topic(topics[0])
            return
        self.no_data(f": item number {wanted} of my list did not come up" if wanted else "")

    def k_content_title(self) -> None:
        f = self.named_title()
        if f is not None:
            self.unit_note()
            self.listed(f)
            return
        self.k_would_watch()

    def listed(self, f: Fact) -> None:
        v = f.v
        self.out.say(f"\"{v['title']}\" is number {int(v['rank'])} on my list, with {amount(v['count'])} "
                     f"{fmt.noun(self.p.count_name, v['count'])} from my group", f)

    def k_would_watch(self) -> None:
        topic = self.named_topic() if not self.intent.quoted else None
        if topic is not None:
            self._topic_verdict(topic)
            return
        f = self.named_title()
        if f is not None:
            self.listed(f)  # a title of my own list: its place and count say more than "yes"
            self.out.say("Going by that, I'd probably watch it")
            return
        title = self.intent.quoted or self.request.question
        tw = {w for w in re.findall(r"[a-z]+", title.lower()) if len(w) > 2}
        predicted = self.one("prediction")
        if predicted is not None:  # a new title: the prediction's verdict, then the topic evidence behind it
            v = predicted.v
            self.out.say(f"For a new {self.item} like \"{v['title']}\", the prediction puts my interest at "
                         f"{v['relative_words']}", predicted)  # its share of the set's interest stays in the fact:
            # "1.6%" in a first-person answer reads to the checker as one of the persona's own shares
            self.out.say("Going by that, I'd probably watch it" if v["relative"] >= 1 else
                         "Going by that, I'd probably skip it")
        matches = [t for t in self.ranked("topic") if topic_named(str(t.v["topic"]), self.q)
                   or _sounds_like(str(t.v["topic"]), tw)]
        if matches:
            best = matches[0]
            self.topic(best, f"{best.v['topic']}, the topic that title sounds like, is "
                             f"{self.topic_place(int(best.v['rank']))}")
            if predicted is None:
                self.out.say("Going by that, I'd probably watch it" if best.v["lift"] >= 1 else
                             "Going by that, I'd probably skip it")
            self.out.say(f"That {self.item} itself isn't in my data, so I can't tell you how my group would react to it")
            return
        mine = {str(t.v["topic"]) for t in self.of("topic")} | set(self.p.topic_names)
        other = next((t for t in self.set_topics() if t not in mine and (topic_named(t, self.q) or
                      _sounds_like(t, tw))), None)
        if other is not None:  # 'Budget travel in Japan' asked of a persona whose topics list no Travel
            self.out.say(f"My data doesn't show {other}, the topic that title sounds like, among the topics it lists "
                         f"for my group")
            if predicted is None:
                self.out.say("Going by that, I'd probably skip it")
            for top in self.ranked("topic")[:1]:
                self.topic(top, f"What my group watches most is {top.v['topic']}, my top topic")
            return
        if predicted is not None:
            self.out.say(f"That {self.item} itself isn't in my data, and I can't match it to one of my topics, so the "
                         f"prediction rests on how close the title is to what my group watches")
            return
        self.out.say("I can't tell: that title isn't in my data, and I can't match it to one of my topics")
        tops = self.ranked("topic")[:1]
        if tops:
            self.topic(tops[0], f"What I do know: {tops[0].v['topic']} is my top topic")

    def _topic_verdict(self, f: Fact) -> None:
        """"Would you click on / should we make more / if we stopped X?": the topic's share and lift, what that
        suggests, and what the data cannot say."""
        v = f.v
        self.topic(f)
        if re.search(r"\b(stop|stopped|drop|dropped|cut|quit|leave|less|fewer|without)\b", self.q):
            # "if we stopped X, would you leave?": the share says how much of the viewing X is, not what follows
            self.no_data(f"whether my group would leave without {v['topic']}: it records what my group watched, "
                         f"not what it would do")
        else:
            self.out.say("Going by that, I'd probably watch it" if v["lift"] >= 1 or int(v["rank"]) <= 2 else
                         "Going by that, I'd probably skip it")
            self.no_data("how my group would react to a new video: it records what my group watched")

    def k_advice(self) -> None:
        """"What should we make next?": the strongest topics first, then that the data records no wishes."""
        tops = self.ranked("topic")
        if not tops:
            self.no_data("what to make next: it records what my group watched, not what it wants")
            return
        self.topic(tops[0], f"What my group watches most is {tops[0].v['topic']}, my top topic")
        over = max(tops, key=lambda f: f.v["lift"])
        if over is not tops[0] and over.v["lift"] > 1:  # the topic most above the audience's share, in plain
            # words: "most" or "highest" would read to the gate as a rank
            self.topic(over)
        self.no_data("what my group wants next, only what it watched")

    def k_rated_best(self) -> None:
        """"Which movie did you rate highest?": the data has no rating per title or topic; what it has instead."""
        what = "topic" if _TOPIC_WORDS.search(self.q) else self.item
        avg = next((f for f in self.of("rate") if is_average(f.v["column"], self.p.count_name)), None)
        if avg is not None:
            self.no_data(f"which {what} my group rates highest: it has my group's average "
                         f"{fmt.noun(avg.v['column'])} over all its {self.words}, not one per {what}")
            self.rate(avg)
        else:
            self.no_data(f"which {what} my group rates highest: it has no ratings, only {self.words}")
        tops = self.ranked("topic")[:1]
        if what == "topic" and tops:
            self.topic(tops[0], f"The topic with the most of my group's {self.words} is {tops[0].v['topic']}")
        elif what != "topic":
            self.k_content_most()

    def k_trend(self) -> None:
        """"How has your activity changed?": the direction first, then the busiest month and the span."""
        f = self.one("trend")
        if f is not None:
            self._direction(f)
        self.k_peak()

    def k_peak(self) -> None:
        f = self.one("trend")
        if f is None:
            self.no_data(": my activity over time did not come up, or the data has no dates")
            return
        v = f.v
        self.out.say(f"My group's busiest month was {v['peak_period']}, with {amount(v['peak_count'])} "
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
        self.out.say("By month: " + "; ".join(f"{p.period}: {amount(p.count)}" for p in [*before, *recent]), f)
