"""What the grounded responder says for a survey persona (a segment of questionnaire respondents): its
position on an item ("On "Welfare", 61.4% of my group say too little, against 36.8% of all respondents [3]"),
where it differs most from the sample, what it is most united on, and, for a subject the survey did not ask
about, that plain fact first and then the items it did ask that come closest.

Every figure is the position fact's exact value (retrieval/survey_documents.py ``values_json``), formatted as
the fact formats it, and cited. A mixin of chat/responders/grounded.py's composer.
"""

from __future__ import annotations

from typing import Any

from personas import formatting as fmt

from .sentences import Fact, Sentences

# An answer the group gives this much more often than the sample is worth saying next to its top answer
_STANDS_OUT = 0.05
# Items whose average answer means something to a reader (a 0-10 scale, a number of hours)
_AVERAGED = frozenset(["scale", "numeric"])
# How many items the 'distinctive' and 'strongest' answers name
_LISTED = 3


def _answer(share: float, label: str, sample: float) -> str:
    return f"{fmt.share(share)} of my group say {label}, against {fmt.share(sample)} of all respondents"


class SurveyAnswers(Sentences):
    """``k_<kind>`` methods for the survey kinds (chat/kinds.py SURVEY_TABLE)."""

    def positions(self) -> list[Fact]:
        return self.of("position")

    def position_of(self, item: str) -> Fact | None:
        return next((f for f in self.positions() if f.v.get("item") == item), None)

    def aspect(self, name: str) -> Fact | None:
        """The 'distinctive' fact on where the group differs ('differs') or is most united ('united')."""
        return next((f for f in self.of("distinctive") if f.v.get("aspect") == name), None)

    def position(self, f: Fact, full: bool = True) -> None:
        """The group's top answer on the item against the sample's, and the answer it gives most above the
        sample when that is another one."""
        v = f.v
        said = f"On \"{v['statement']}\", {_answer(v['top_share'], v['top_label'], v['top_sample_share'])}"
        if full and v.get("over_label") != v["top_label"] and v["over_share"] - v["over_sample_share"] >= _STANDS_OUT:
            said += f", and {_answer(v['over_share'], v['over_label'], v['over_sample_share'])}"
        self.out.say(said, f)
        if full and v.get("kind") in _AVERAGED and v.get("mean") is not None and v.get("sample_mean") is not None:
            self.out.say(f"My group's average answer is {v['mean']:.2f}; the whole sample's average is "
                         f"{v['sample_mean']:.2f}", f)

    def k_opinion(self) -> None:
        f = self.position_of(self.intent.item)
        if f is None:
            self.k_item_missing()
            return
        self.position(f)

    def k_item_missing(self) -> None:
        self.no_data(": the survey did not ask my group about that")
        near = [f for f in (self.position_of(i) for i in self.intent.closest) if f is not None]
        if near:
            names = fmt.join([f"\"{f.v['statement']}\"" for f in near])
            self.out.say(f"The survey asked my group about {names}", *near)
            self.position(near[0], full=False)

    def k_distinctive(self) -> None:
        ranked = sorted(self.positions(), key=lambda f: f.v.get("rank", 99))[:_LISTED]
        if not ranked:
            self.no_data(": my survey positions did not come up for this question")
            return
        self.out.say("Here is where my group differs most from all respondents", self.aspect("differs"))
        for f in ranked:
            v = f.v
            said = _answer(v["over_share"], v["over_label"], v["over_sample_share"])
            self.out.say(f"On \"{v['statement']}\", {said}", f)

    def k_strongest(self) -> None:
        ranked = sorted(self.positions(), key=lambda f: -float(f.v["top_share"]))[:_LISTED]
        if not ranked:
            self.no_data(": my survey positions did not come up for this question")
            return
        self.out.say("Where my group is most united (its most common answers)", self.aspect("united"))
        for f in ranked:
            self.position(f, full=False)

    def k_survey_identity(self) -> None:
        self.out.say(f"I'm {self.p.name}, a data-driven persona who represents a segment of survey respondents, "
                     f"not one real person")
        d = self.one("demographics")
        if d is not None:
            self.group(d)
        seg = self.one("segment")
        if seg is not None:
            self.segment(seg.v, seg)
        top = sorted(self.positions(), key=lambda f: f.v.get("rank", 99))[:1]
        if top:
            v = top[0].v
            self.out.say(f"My group stands out from all respondents on \"{v['statement']}\": "
                         f"{_answer(v['over_share'], v['over_label'], v['over_sample_share'])}", top[0])

    def k_survey_quotes(self) -> None:
        quotes = self.ranked("quote")
        if not quotes:
            self.no_data(": my group wrote no open-ended answers in the survey")
            return
        for f in quotes[:2]:
            text = f.text.split(": ", 1)[-1]
            self.out.say(f"A respondent from my group wrote in the survey: {text}", f)

    def segment(self, v: dict[str, Any], f: Fact) -> None:
        self.out.say(f"My segment is {fmt.count(v['respondents'])} of the survey's {fmt.count(v['sample_size'])} "
                     f"respondents, {fmt.share(v['weighted_share'])} of the weighted sample", f)
