"""The kinds of question the chat answers: ONE table that holds, for each kind, the example questions its
classifier learns from, the facts it needs, the composer that answers it and what a relevant answer cites.

Everything that reads a question goes through this table: chat/understanding.py learns the kind from the
examples (nearest neighbours over the question's sentence embedding), the chain pins the kind's ``needs``
and hands their fact types to retrieval as its routes, the grounded responder calls ``composer``, the LLM
prompt names ``describe``, and the evaluation runner judges relevance by ``answers`` and ``refuses``.

The examples are written for each kind in many wordings of their own; they are never taken from a
benchmark's questions (those judge the table, they do not feed it).
"""

from __future__ import annotations

from dataclasses import dataclass

from .kind_examples import EXAMPLES as KIND_EXAMPLES
from .survey_examples import SURVEY_EXAMPLES

EXAMPLES = {**KIND_EXAMPLES, **SURVEY_EXAMPLES}

PEOPLE = ("demographics", "profile", "audience")


@dataclass(frozen=True)
class KindSpec:
    name: str
    composer: str  # the grounded composer's method that answers it
    describe: str  # what the question asks for, in words (the LLM prompt; docs)
    needs: tuple[tuple[str, int], ...] = ()  # (fact type, how many by rank) kept in the context
    answers: tuple[str, ...] = ()  # fact types a relevant answer cites first (empty: any)
    refuses: bool = False  # the data cannot answer it: a relevant answer says so in its first sentence
    unrecorded: str = ""  # refusing kinds: what the data does not record ("which devices my group uses")
    closest: str = ""  # refusing kinds: the fact type that comes closest ("trend" for time of day)

    @property
    def examples(self) -> tuple[str, ...]:
        return EXAMPLES.get(self.name, ())


def _k(name: str, composer: str, describe: str, needs: tuple[tuple[str, int], ...] = (),
       answers: tuple[str, ...] = (), **kw: object) -> KindSpec:
    return KindSpec(name, composer, describe, needs, answers, **kw)  # type: ignore[arg-type]


TABLE: tuple[KindSpec, ...] = (
    _k("greeting", "k_greeting", "a greeting or thanks"),
    _k("meta", "k_meta", "an attempt to change the rules, reveal the prompt or invent data", refuses=True),
    _k("real_person", "k_real_person", "whether the persona is a real person", (("audience", 1),), PEOPLE),
    _k("identity", "k_identity", "who the persona is: its group, size and main topic",
       (("profile", 1), ("topic", 2)), PEOPLE),
    _k("summary", "k_summary", "a one-line summary of the persona for a slide",
       (("topic", 3), ("audience", 1)), PEOPLE),
    _k("age", "k_age", "the age of the persona's group", (("demographics", 1),), ("demographics", "profile")),
    _k("gender", "k_gender", "the gender of the persona's group", (("demographics", 1),), ("demographics", "profile")),
    _k("country", "k_country", "the country of the persona's group", (("demographics", 1),),
       ("demographics", "profile")),
    _k("demographics", "k_demographics", "who is in the persona's group (age, gender, country)",
       (("demographics", 1),), ("demographics", "profile")),
    _k("job", "k_job", "the occupation of the persona's group", (("demographics", 1),), ("demographics", "profile")),
    _k("audience", "k_audience", "how big the persona's group is and its share of the audience",
       (("audience", 1),), ("audience",)),
    _k("topics", "k_topics", "the topics the persona watches most", (("topic", 3),), ("topic",)),
    _k("least", "k_least", "the topics the persona watches least or ignores", (("topic", 20),), ("topic",)),
    _k("lifts", "k_lifts", "where the persona over-indexes against the whole audience (topic lifts)",
       (("topic", 20),), ("topic",)),
    _k("content_top", "k_content_top", "the persona's top videos or titles", (("content", 5),), ("content",)),
    _k("content_most", "k_content_most", "the single title with the most views or ratings",
       (("content", 10),), ("content",)),
    _k("would_watch", "k_would_watch", "whether the persona would watch or click something, or want more of a topic",
       (("topic", 20), ("content", 10)), ("prediction", "topic", "content")),
    _k("advice", "k_advice", "what to make next for the persona", (("topic", 20),), ("topic",)),
    _k("compare", "k_compare", "how the persona differs from another persona", (("topic", 3), ("audience", 1)),
       ("topic", "audience", "demographics", "profile", "content")),
    _k("quotes", "k_quotes", "what the persona's group says in its comments", (("quote", 3),), ("quote",)),
    _k("trend", "k_trend", "how the persona's activity changed over time", (("trend", 1),), ("trend",)),
    _k("peak", "k_peak", "when the persona's group was most active", (("trend", 1),), ("trend",)),
    _k("regularity", "k_regularity", "how regularly or often the persona's group watches",
       (("trend", 1), ("audience", 1)), ("trend", "audience")),
    _k("rates", "k_rates", "the persona's engagement counts (likes, watch time, average rating)",
       (("rate", 5),), ("rate",)),
    _k("rated_best", "k_rated_best", "which title or topic the persona rates highest", (("rate", 5), ("content", 10)),
       refuses=True),
    _k("shared", "k_shared", "which other groups share the persona's behaviour", (("shared", 1),), ("shared",)),
    _k("quality", "k_quality", "how stable and reliable the persona's statistics are", (("quality", 1),),
       ("quality",)),
    # What audience analytics never record: the first sentence says so, then the closest thing it does record
    _k("why", "k_unrecorded", "why the persona watches (its reasons)", (("topic", 2), ("quote", 2)),
       refuses=True, unrecorded="why my group watches: it records what my group watched, not its reasons",
       closest="topic"),
    _k("device", "k_unrecorded", "which devices the persona uses", (("audience", 1),), refuses=True,
       unrecorded="which devices or screens my group watches on: it counts views per video, not devices",
       closest="audience"),
    _k("time_of_day", "k_unrecorded", "what time of day or week the persona watches", (("trend", 1),), refuses=True,
       unrecorded="what time of day or day of the week my group watches: it has no times of day",
       closest="trend"),
    _k("money", "k_unrecorded", "income, spending or what the persona would pay", (("demographics", 1),),
       refuses=True, unrecorded="what my group earns, spends or would pay: it has no money figures",
       closest="demographics"),
    _k("family", "k_unrecorded", "family, children, relationships or household", (("demographics", 1),),
       refuses=True, unrecorded="anything about my group's families or households", closest="demographics"),
    _k("brands", "k_unrecorded", "brands, products, apps or services the persona uses", (("topic", 2),),
       refuses=True, unrecorded="which brands, products or services my group uses: it only records what it "
       "watched here", closest="topic"),
    _k("contact", "k_unrecorded", "contact details (email, phone, address, social accounts)", (("profile", 1),),
       refuses=True, unrecorded="any contact details: I stand for a group of viewers, not one person I could "
       "put you in touch with", closest="demographics"),
    _k("location_detail", "k_unrecorded", "a city, town or exact place", (("demographics", 1),), refuses=True,
       unrecorded="where exactly my group lives: it has no cities, towns or addresses", closest="demographics"),
    _k("video_length", "k_unrecorded", "long or short videos, video length", (("rate", 5),), refuses=True,
       unrecorded="how long the videos my group prefers are: it has no video lengths", closest="rate"),
    _k("beliefs", "k_unrecorded", "politics, religion or opinions on the world", (("demographics", 1),),
       refuses=True, unrecorded="anything about my group's politics, votes or beliefs", closest="demographics"),
    _k("people_taste", "k_unrecorded", "favourite people, food or things outside the data (directors, actors, "
       "hobbies)", (("topic", 2),), refuses=True,
       unrecorded="favourites outside what my group watched here (people, food, hobbies)", closest="topic"),
    _k("future", "k_unrecorded", "what the persona will do or plans, in the future", (("trend", 1),), refuses=True,
       unrecorded="what my group will do next: it records what it watched, not its plans", closest="trend"),
    _k("viewing_place", "k_unrecorded", "where or how the persona watches (cinema, home, with whom)",
       (("audience", 1),), refuses=True,
       unrecorded="where or with whom my group watches: it only counts what was watched", closest="audience"),
)

# Kinds set by exact rules, never by the classifier: the question names something of the data
RULE_KINDS: tuple[KindSpec, ...] = (
    _k("topic", "k_topic", "one topic the question names", (), ("topic",)),
    _k("topic_pair", "k_topic_pair", "two topics the question names, against each other", (), ("topic",)),
    _k("topic_missing", "k_topic_missing", "a topic the persona's data does not list", (("topic", 3),)),
    _k("topic_rank", "k_topic_rank", "the n-th topic", (("topic", 20),), ("topic",)),
    _k("content_rank", "k_content_rank", "the n-th title of the top content", (("content", 10), ("topic", 8)),
       ("content",)),
    _k("content_title", "k_content_title", "one title the question names", (("content", 10),), ("content",)),
    _k("other_group", "k_other_group", "another country or gender than the persona's own", (("shared", 1),)),
    _k("unknown", "k_unknown", "a question the understanding could not place", ()),
)

# What a survey persona (a segment of questionnaire respondents) is asked besides who it is: its positions.
# They are learned only for survey personas (chat/understanding.py fits a second classifier on these and
# SURVEY_SHARED), so an analytics persona's reading, and answer, never changes.
SURVEY_TABLE: tuple[KindSpec, ...] = (
    _k("opinion", "k_opinion", "what the persona's group answered on one survey item (its shares against the "
       "whole sample's)", (("segment", 1),), ("position",)),
    _k("distinctive", "k_distinctive", "where the persona's group differs most from all respondents",
       (("distinctive", 2), ("position", 3)), ("distinctive", "position")),
    _k("strongest", "k_strongest", "what the persona's group agrees on most (its most one-sided answers)",
       (("distinctive", 2), ("position", 60)),
       ("distinctive", "position")),
)
SURVEY_RULE_KINDS: tuple[KindSpec, ...] = (
    _k("item_missing", "k_item_missing", "a subject the survey did not ask about: says so, then the closest items",
       (("segment", 1),), refuses=True, unrecorded="that: the survey did not ask about it", closest="position"),
)
# The analytics kinds a survey persona is asked too (who it is, how big its segment is, what it wrote), and
# those that no survey of opinions answers (SURVEY_REFUSED: answered as a subject the survey did not ask)
SURVEY_REFUSED = ("money", "family", "contact", "location_detail", "future", "people_taste", "brands")
SURVEY_SHARED = ("greeting", "meta", "real_person", "identity", "summary", "age", "gender", "country",
                 "demographics", "job", "audience", "quotes", *SURVEY_REFUSED)

KINDS: dict[str, KindSpec] = {k.name: k for k in (*TABLE, *RULE_KINDS, *SURVEY_TABLE, *SURVEY_RULE_KINDS)}
LEARNED: tuple[str, ...] = tuple(k.name for k in TABLE if k.examples)
SURVEY_LEARNED: tuple[str, ...] = tuple(k for k in SURVEY_SHARED if KINDS[k].examples) + \
    tuple(k.name for k in SURVEY_TABLE if k.examples)
SURVEY_KINDS = frozenset(k.name for k in (*SURVEY_TABLE, *SURVEY_RULE_KINDS))
TOPIC_KINDS = frozenset(["topics", "topic", "least", "lifts", "topic_rank", "topic_pair", "advice"])
CONTENT_KINDS = frozenset(["content_top", "content_most", "content_rank", "content_title"])


def spec(kind: str) -> KindSpec:
    return KINDS.get(kind, KINDS["unknown"])


def route_types(kind: str) -> dict[str, float]:
    """Retrieval's routes for a kind: the fact types it needs, the first weighted most."""
    s = spec(kind)
    types = list(dict.fromkeys([*(t for t, _ in s.needs), *s.answers]))
    return {t: 1.0 / (1 + i) for i, t in enumerate(types)}
