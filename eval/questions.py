"""Question sets for the evaluation runner: generated from persona statistics, out-of-data questions, user files.

A generated question carries its gold facts (the stored fact ids that answer it) and its gold values (what
a correct answer must state), both read from the persona's own facts, so the runner can score retrieval
(recall, MRR) and correctness without a model. Out-of-data questions have no gold: the expected behaviour is
a refusal without invented facts. Wordings vary on purpose (a seeded choice per persona), so a responder
tuned to one phrasing does not look better than it is.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from personas.profile import Persona
from retrieval.documents import FactDoc, persona_documents

from .survey_questions import SURVEY_KINDS, survey_questions, survey_quote_golds

GoldType = Literal["number", "share", "text", "period"]

# The kinds the chat supports, in the order reports list them.
KINDS = (
    "identity", "age", "gender", "country", "audience_size", "audience_share", "topic_top", "topic_share",
    "content_top", "content_rank", "follow_up", "rate", "trend", "compare", "quote", "would_watch",
    *SURVEY_KINDS, "out_of_data", "user",
)


@dataclass(frozen=True)
class Gold:
    """One value a correct answer states. ``share`` is a fraction that answers may write as a percentage;
    ``period`` is 'YYYY-MM' that answers may write as 'May 2024'; ``alternatives`` are other ways to say text."""

    value: str | float
    type: GoldType = "text"
    alternatives: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"value": self.value, "type": self.type}
        if self.alternatives:
            d["alternatives"] = list(self.alternatives)
        return d


@dataclass(frozen=True)
class Question:
    id: str
    persona_id: str
    question: str
    kind: str
    gold_fact_ids: tuple[str, ...] = ()  # any of them answers the question (recall@k, MRR)
    gold_values: tuple[Gold, ...] = ()
    gold_match: Literal["all", "any"] = "all"  # quotes: any one quote is a correct answer
    gold_answer: str | None = None  # reference answer in words (user files; RAGAS ground truth)
    stance: Literal["yes", "no"] | None = None  # would_watch: does the persona's data say it would?
    expect_refusal: bool = False  # the data cannot answer: a refusal without invented facts is correct
    follow_up: bool = False  # asked in the same chat session as the question before it
    source: Literal["generated", "out_of_data", "user"] = "generated"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "persona_id": self.persona_id, "question": self.question, "kind": self.kind,
            "gold_fact_ids": list(self.gold_fact_ids), "gold_values": [g.to_json() for g in self.gold_values],
            "gold_match": self.gold_match, "gold_answer": self.gold_answer, "stance": self.stance,
            "expect_refusal": self.expect_refusal, "follow_up": self.follow_up, "source": self.source,
        }


# ----------------------------------------------------------------------------------------------- generated

_ORDINAL_WORDS = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}
_GENDER_WORDS = {"male": ("man", "men", "guy"), "female": ("woman", "women")}
# Titles that name a topic without being in anyone's data: the answer must reason from topic fit.
_TITLE_TEMPLATES = (
    "{t} for Beginners: 10 Things I Wish I Knew",
    "My Honest Opinion on {t} in 2026",
    "A Whole Week of {t} Challenges",
)


def _item_word(p: Persona) -> str:
    return {"views": "video", "ratings": "movie"}.get(p.count_name, "item")


def _values(doc: FactDoc) -> dict[str, Any]:
    return json.loads(str(doc.metadata.get("values_json", "{}")))


def persona_questions(persona: Persona, others: Sequence[Persona] = (), seed: int = 0) -> list[Question]:
    """Questions about ``persona`` with gold facts and values taken from its own facts."""
    rng = random.Random(f"{seed}:{persona.id}")  # str seeds are stable across runs and Python versions
    docs = persona_documents(persona)
    by_type: dict[str, list[FactDoc]] = defaultdict(list)
    for d in docs:
        by_type[d.fact_type].append(d)
    for fact_type in ("topic", "content", "quote"):
        by_type[fact_type].sort(key=lambda d: int(_values(d).get("rank", 0)))
    p, words, item = persona, persona.count_name.replace("_", " "), _item_word(persona)
    out: list[Question] = []
    counter: dict[str, int] = defaultdict(int)

    def ask(kind: str, wordings: Sequence[str], facts: Iterable[FactDoc], gold: Sequence[Gold], **kw: Any) -> None:
        counter[kind] += 1
        out.append(Question(f"{p.id}:{kind}:{counter[kind]}", p.id, rng.choice(list(wordings)), kind,
                            tuple(f.id for f in facts), tuple(gold), **kw))

    demo = by_type["demographics"][0] if by_type["demographics"] else None
    if demo is not None:
        ids = [demo, *by_type["profile"]]
        ask("identity", ("Who are you?", "Tell me about yourself.", "Introduce yourself, please."), ids,
            [Gold(p.name)])
        if p.age is not None:
            ask("age", ("How old are you?", "What is your age?", "How old is the typical person you stand for?"),
                [demo], [Gold(float(p.age), "number")])
        if p.gender:
            ask("gender", ("What is your gender?", "Are you a man or a woman?", "Which gender do you represent?"),
                [demo], [Gold(p.gender, alternatives=_GENDER_WORDS.get(p.gender.lower(), ()))])
        if p.country:
            ask("country", ("Where are you from?", "Which country do you live in?", "What country are you based in?"),
                [demo], [Gold(p.country)])
    if by_type["audience"]:
        aud = by_type["audience"][0]
        v = _values(aud)
        ask("audience_size", (f"How many {words} does your group have in total?", "How big is your audience?",
                              f"How many {words} do people like you account for in total?"),
            [aud], [Gold(float(v["group_interactions"]), "number")])
        ask("audience_share", (f"What share of all {words} is yours?",
                               f"What share of the whole audience's {words} comes from your group?"),
            [aud], [Gold(float(v["audience_share"]), "share")])
    topics = by_type["topic"]
    if topics:
        top = _values(topics[0])
        ask("topic_top", ("What topics are you into?", "What is your favourite topic?",
                          "Which topics do you like most?"), [topics[0]], [Gold(str(top["topic"]))])
        pick = topics[rng.randrange(len(topics[:4]))]
        t = _values(pick)
        ask("topic_share", (f"What share of your {words} is {t['topic']}?", f"How much {t['topic']} do you watch?",
                            f"What percentage of your {words} goes to {t['topic']}?"),
            [pick], [Gold(float(t["share"]), "share")])
    content = by_type["content"]
    if content:
        first = _values(content[0])
        ask("content_top", (f"Which of our {item}s did you like best?", f"What is your favourite {item}?",
                            f"Which {item} does your group watch the most?"),
            [content[0]], [Gold(str(first["title"]))])
        if len(content) >= 2:
            # asked right after content_top, in the same session: the chat must resolve "the second one"
            second = _values(content[1])
            ask("follow_up", ("And the second one?", "What about the second one?"), [content[1]],
                [Gold(str(second["title"]))], follow_up=True)
        if len(content) >= 3:
            rank = rng.randint(3, min(5, len(content)))
            doc = content[rank - 1]
            ask("content_rank", (f"What's your number {rank} {item}?",
                                 f"Which {item} is {_ORDINAL_WORDS[rank]} on your list?",
                                 f"Name the {_ORDINAL_WORDS[rank]} {item} of your top content."),
                [doc], [Gold(str(_values(doc)["title"]))])
    for doc in by_type["rate"]:
        v = _values(doc)
        col = str(v["column"]).replace("_", " ")
        one = words.removesuffix("s")
        wordings = {"likes": (f"How many likes per {one} does your group give?", f"What is your likes per {one}?"),
                    "watch minutes": (f"How many minutes do you watch per {one}?",),
                    "rating": ("What rating do you usually give?", "How do you rate on average?")}
        ask("rate", wordings.get(col, (f"How many {col} per {one} does your group have?",)), [doc],
            [Gold(float(v["per_primary"]), "number")])
    if by_type["trend"]:
        doc = by_type["trend"][0]
        ask("trend", ("Which month were you most active?", f"When did your {words} peak?",
                      "What was your busiest month?"), [doc], [Gold(str(_values(doc)["peak_period"]), "period")])
    survey_questions(p, ask, Gold, seed)
    other = next((o for o in others if o.id != p.id and o.rank == p.rank % max(len(others), 1) + 1), None)
    if other is not None and by_type["audience"] and p.survey is None:
        theirs = next(d for d in persona_documents(other) if d.fact_type == "audience")
        first_name = other.name.split()[0]
        ask("compare", (f"How are you different from {first_name}?", f"Compare yourself with {other.name}.",
                        f"What's the difference between you and {other.name}?"),
            [by_type["audience"][0], theirs],
            [Gold(p.stats.audience_share, "share"), Gold(other.stats.audience_share, "share")])
    if by_type["quote"]:
        ask("quote", ("What do viewers like you say?", "What do people in your group comment?",
                      "Share some comments from your group."),
            by_type["quote"], [Gold(q) for q in [*(q.text for q in p.quotes), *survey_quote_golds(p)]],
            gold_match="any")
    if topics:
        fits = [topics[0]]
        low = min(topics, key=lambda d: float(_values(d)["lift"]))
        if float(_values(low)["lift"]) < 1:
            fits.append(low)
        for doc in fits:
            v = _values(doc)
            title = rng.choice(_TITLE_TEMPLATES).format(t=v["topic"])
            ask("would_watch", (f'Would you watch a {item} called "{title}"?',
                                f'Would you like a new {item} titled "{title}"?'),
                [doc], [Gold(str(v["topic"]))], stance="yes" if float(v["lift"]) >= 1 else "no")
    return out


# Questions the data cannot answer, in varied wording. None names a topic, title or persona, so a correct
# answer is a refusal; each is asked of a few personas in turn.
OUT_OF_DATA = (
    "What price would you pay for a monthly subscription?",
    "What is your yearly income?",
    "What's your favourite food?",
    "Who did you vote for in the last election?",
    "What will you do next year?",
    "What is your religion?",
    "How many children do you have?",
    "What is your phone number?",
    "Which political party do you support?",
    "How much money do you earn per month?",
    "What's your blood type?",
    "Which brand of toothpaste do you buy?",
)


def out_of_data_questions(personas: Sequence[Persona], per_persona: int = 3) -> list[Question]:
    out: list[Question] = []
    n = 0
    for p in personas:
        for j in range(per_persona):
            text = OUT_OF_DATA[n % len(OUT_OF_DATA)]
            n += 1
            out.append(Question(f"{p.id}:out_of_data:{j + 1}", p.id, text, "out_of_data", expect_refusal=True,
                                source="out_of_data"))
    return out


def generated_set(personas: Sequence[Persona], seed: int = 0, out_of_data_per_persona: int = 3) -> list[Question]:
    """Every persona's questions plus out-of-data questions, interleaved so that a prefix covers every kind."""
    questions: list[Question] = []
    for p in personas:
        questions += persona_questions(p, personas, seed)
    questions += out_of_data_questions(personas, out_of_data_per_persona)
    return interleave(questions)


def interleave(questions: Sequence[Question]) -> list[Question]:
    """Round-robin over kinds (and, within a kind, in generation order, which cycles personas), keeping each
    follow-up right after the question it follows, so that ``--limit N`` still samples every kind."""
    units: list[list[Question]] = []
    for q in questions:
        if q.follow_up and units:
            units[-1].append(q)
        else:
            units.append([q])
    by_kind: dict[str, list[list[Question]]] = defaultdict(list)
    for u in units:
        by_kind[u[0].kind].append(u)
    order = sorted(by_kind, key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS))
    out: list[Question] = []
    depth = 0
    while len(out) < len(questions):
        for kind in order:
            if depth < len(by_kind[kind]):
                out += by_kind[kind][depth]
        depth += 1
    return out


def take(questions: Sequence[Question], limit: int | None) -> list[Question]:
    """The first ``limit`` questions, never cutting a follow-up from the question it follows."""
    if limit is None or limit >= len(questions):
        return list(questions)
    out = list(questions[:limit])
    while out and out[-1] is not questions[-1] and questions[len(out)].follow_up:
        out.pop()  # the next question continues this one's session; stop before the pair instead
    return out


def with_ids(questions: Sequence[Question]) -> list[Question]:
    """Unique ids (user files may repeat or omit them)."""
    seen: dict[str, int] = {}
    out = []
    for i, q in enumerate(questions, start=1):
        base = q.id or f"q{i}"
        seen[base] = seen.get(base, 0) + 1
        out.append(q if seen[base] == 1 else replace(q, id=f"{base}#{seen[base]}"))
    return out


