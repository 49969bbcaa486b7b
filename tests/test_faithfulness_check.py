"""The checker end to end (eval.faithfulness.check): splitting, labels, binding, attributes, ranks,
negation, quotes, stats, plain-text contexts, and the result's JSON form."""

from __future__ import annotations

import pytest

from checker.claims import split_claims, strip_citations
from checker.faithfulness import Claim, Evidence, FaithfulnessResult, check

FACTS = [
    "Ana Souza is 38 years old; gender female; from Brazil. Ana Souza stands for the demographic group age 35-44, "
    "gender female, country BR (female, 35-44, Brazil).",
    "Ana Souza's group (female, 35-44, Brazil) has 45,210 views in total, from 1,234 people, which is 12.4% of all "
    "views (rank 3 by audience size in the set).",
    "Cooking is 34.2% of Ana Souza's group's views (15,462 views), 3.1x the share of the whole audience (lift 3.05); "
    "it is topic number 1 of Ana Souza by share.",
    "Travel is 20.1% of Ana Souza's group's views (9,087 views), 1.4x the share of the whole audience (lift 1.38); "
    "it is topic number 2 of Ana Souza by share.",
    "Ana Souza's group has 1,203 views on \"Budget travel in Japan\" (number 2 of Ana Souza's top content; weight "
    "4.1% of the behaviour).",
    "Ana Souza's group has 2,950 views on \"Easy pasta\" (number 1 of Ana Souza's top content; weight 6.0% of the "
    "behaviour).",
    "A viewer from Ana Souza's group commented on \"Easy pasta\": \"Made this tonight, delicious\"",
    "Bruno Lima's group (male, 18-24, Mexico) has 88,100 views in total, which is 24.1% of all views (rank 1 by "
    "audience size in the set).",
]


def labels(answer: str, contexts: list[str] = FACTS, stats: dict | None = None) -> list[str]:
    return [c.label for c in check(answer, contexts, stats).claims]


def test_claim_splitting_keeps_decimals_quotes_and_clauses() -> None:
    _, segs, _ = split_claims('I have 12.4% of all views. Someone wrote "Great. Thanks!" on it; my top topic is '
                              "Cooking, and I'm from Brazil.")
    assert [s.text for s in segs] == ["I have 12.4% of all views.", 'Someone wrote "Great. Thanks!" on it',
                                     "my top topic is Cooking", "I'm from Brazil."]


def test_citation_markers_are_stripped_and_spans_point_into_the_answer() -> None:
    answer = "My group has 45,210 views in total [2]. Cooking is my top topic [3][4]."
    clean, _ = strip_citations(answer)
    assert "[" not in clean
    res = check(answer, FACTS)
    assert [c.label for c in res.claims] == ["supported", "supported"]
    for c in res.claims:
        assert "[" not in c.text
        a, b = c.span
        assert answer[a:b].startswith(c.text[:10])


@pytest.mark.parametrize("answer", [
    "My data doesn't tell me that.",
    "I don't know how often my group watches at night.",
    "The data does not say which device we use.",
    "Hi! Happy to tell you more. What would you like to know?",
    "I'm a data-driven persona, not a real person; I stand for a group of real viewers.",
    "",
])
def test_no_claim_answers_are_faithful_with_score_one(answer: str) -> None:
    res = check(answer, FACTS)
    assert res.claims == []
    assert res.score == 1.0 and res.faithful


@pytest.mark.parametrize("answer, label", [
    ("My group has 45,210 views in total.", "supported"),
    ("My group has about 45 thousand views.", "supported"),
    ("My group has 45.2k views.", "supported"),
    ("My group has 47,000 views.", "contradicted"),            # a few percent off
    ("My group has 1,234 views.", "contradicted"),             # the people count, bound to views
    ("We are 12.4% of all views.", "supported"),
    ("We are about an eighth of all views.", "unsupported"),   # no such fraction word: not a checked number
    ("We are 24.1% of all views.", "contradicted"),            # another persona's share
    ("1,234 people like me watch the channel.", "supported"),
])
def test_numbers_are_bound_to_their_quantity(answer: str, label: str) -> None:
    assert labels(answer) == [label]


@pytest.mark.parametrize("answer, label", [
    ("34.2% of my views are Cooking.", "supported"),
    ("34% of my views are Travel.", "contradicted"),           # 34% belongs to Cooking
    ("Travel gets 9,087 views from my group.", "supported"),
    ("Travel gets 15,462 views from my group.", "contradicted"),
    ("People like me watch Cooking about 3 times as much as the average viewer.", "supported"),
    ("Cooking is about 1.7 times as popular as Travel for me.", "supported"),  # derived ratio 34.2 / 20.1
    ("My group watched \"Easy pasta\" 2,950 times.", "supported"),
    ("My group watched \"Easy pasta\" 1,203 times.", "contradicted"),  # Japan's count, bound to pasta
])
def test_topic_and_title_binding(answer: str, label: str) -> None:
    assert labels(answer) == [label]


@pytest.mark.parametrize("answer, label", [
    ("Cooking is my favourite topic.", "supported"),
    ("Travel is my favourite topic.", "contradicted"),
    ("Travel comes second for me.", "supported"),
    ("The video we watch most is \"Easy pasta\".", "supported"),
    ("My number 1 video is \"Budget travel in Japan\".", "contradicted"),
    ("Cooking is not my top topic.", "contradicted"),
    ("Travel is not my top topic.", "supported"),
])
def test_superlatives_match_the_ranking(answer: str, label: str) -> None:
    assert labels(answer) == [label]


@pytest.mark.parametrize("answer, label", [
    ("I'm from Brazil.", "supported"),
    ("I'm from France.", "contradicted"),
    ("I'm Brazilian.", "supported"),
    ("I'm a woman.", "supported"),
    ("I'm a man.", "contradicted"),
    ("I'm 38 years old.", "supported"),
    ("I'm 52 years old.", "contradicted"),
    ("I'm in my late thirties.", "supported"),
    ("My group is 35-44 years old.", "supported"),
    ("My group is 25-34 years old.", "contradicted"),
    ("I'm Ana.", "supported"),
    ("My name is Maria.", "contradicted"),
])
def test_attributes(answer: str, label: str) -> None:
    assert labels(answer) == [label]


@pytest.mark.parametrize("answer, label", [
    ("I never watch cooking videos.", "contradicted"),
    ("My group doesn't watch Travel.", "contradicted"),
    ("I never watch Gardening videos.", "unsupported"),
])
def test_negated_content_statements(answer: str, label: str) -> None:
    assert labels(answer) == [label]


@pytest.mark.parametrize("answer", [
    "My group also has 5,000 subscribers.",
    "I also love Gardening videos.",
    "Most of my group watches on their phones late at night.",
    "My favourite creator is Gordon Ramsay.",
    "I work as a nurse.",
])
def test_invented_facts_are_unsupported_and_unfaithful(answer: str) -> None:
    res = check(answer, FACTS)
    assert [c.label for c in res.claims] == ["unsupported"]
    assert not res.faithful and res.score == 0.0


def test_quotes_are_supported_verbatim_and_invented_quotes_are_not() -> None:
    assert labels('A viewer from my group commented on "Easy pasta": "Made this tonight, delicious"') == ["supported"]
    assert labels('Someone in my group wrote "Best recipe ever"') == ["unsupported"]


def test_mixed_answer_score_and_evidence() -> None:
    res = check("Cooking is 34.2% of my views [3]. I'm from France. I also watch 40 hours of Gardening.", FACTS)
    assert [c.label for c in res.claims] == ["supported", "contradicted", "unsupported"]
    assert res.score == pytest.approx(1 / 3)
    assert not res.faithful
    ev = res.claims[0].evidence
    assert isinstance(ev, Evidence) and ev.context_index == 2
    assert ev.context[ev.span[0]:ev.span[1]] == ev.text and "34.2%" in ev.text
    assert "Brazil" in res.claims[1].reason


def test_to_json_shape() -> None:
    res = check("My group has 45,210 views [2]. I'm from France.", FACTS)
    assert isinstance(res, FaithfulnessResult) and all(isinstance(c, Claim) for c in res.claims)
    j = res.to_json()
    assert set(j) == {"score", "faithful", "claims"}
    first = j["claims"][0]
    assert set(first) == {"text", "label", "reason", "span", "evidence"}
    assert isinstance(first["span"], list) and set(first["evidence"]) == {"context_index", "span", "text"}


STATS = {
    "name": "Ana Souza", "age": 38, "gender": "female", "country": "Brazil", "rank": 3,
    "group": {"age": "35-44", "gender": "F", "country": "BR"}, "group_label": "female, 35-44, Brazil",
    "group_interactions": 45210, "audience_share": 0.124,
    "topics": [{"topic": "Cooking", "share": 0.342}, {"topic": "Travel", "share": 0.201},
               {"topic": "Fitness", "share": 0.05}],
    "top_content": [{"title": "Easy pasta", "count": 2950}, {"title": "Budget travel in Japan", "count": 1203}],
    "stats": {"topic_counts": {"Cooking": 15462, "Travel": 9087, "Fitness": 2260}},
}


def test_stats_give_rankings_and_attributes_the_retrieved_facts_lack() -> None:
    few = [FACTS[1]]  # only the audience fact was retrieved
    assert labels("Cooking is my favourite topic.", few) == ["unsupported"]
    assert labels("Cooking is my favourite topic.", few, STATS) == ["supported"]
    assert labels("Fitness is my favourite topic.", few, STATS) == ["contradicted"]
    assert labels("I'm from France.", few, STATS) == ["contradicted"]
    assert labels("I'm 38 years old.", few, STATS) == ["supported"]
    assert labels("My group is the biggest audience in the set.", few, STATS) == ["contradicted"]


def test_plain_text_contexts_not_in_our_format() -> None:
    doc = ["Acme Corp reported revenue of $4.2 billion for the quarter, up 8% from last year.",
           "The CEO, Maria Lopez, said the company would open 12 new stores in Canada."]
    assert labels("Acme's revenue was $4.2 billion, up 8%.", doc) == ["supported"]
    assert labels("Acme's revenue was $4.5 billion.", doc) == ["contradicted"]
    assert labels("Maria Lopez said the company will open 12 new stores in Canada.", doc) == ["supported"]
    assert labels("Maria Lopez said the company will open 12 new stores in Mexico.", doc) == ["contradicted"]
    assert labels("The company also plans to cut 500 jobs.", doc) == ["unsupported"]


def test_document_mode_flags_what_minimal_edits_leave_and_lets_paraphrase_pass() -> None:
    doc = [("Net sales grew 8% to $1.65 billion in the quarter. We expect margins to increase in 2021. "
            "The board did not approve a buyback. Ann: Let's meet on Friday at 7:30. Mike: Fine.")]
    # paraphrase with new words, same facts: supported
    assert labels("Sales rose 8%, reaching a record $1.65 billion; the firm anticipates higher margins in 2021.",
                  doc) == ["supported", "supported"]
    assert labels("The board did not approve a buyback.", doc) == ["supported"]
    assert labels("Net sales grew 9% to $1.65 billion.", doc) == ["contradicted"]      # a figure moved
    assert labels("Ann and Mike meet at 7:45.", doc) == ["unsupported"]                  # a time the doc lacks
    assert labels("We expect margins to decrease in 2021.", doc) == ["contradicted"]   # an opposite
    assert labels("Net sales did not grow in the quarter.", doc) == ["contradicted"]   # a negation added
    assert labels("Ann meets Peter on Friday.", doc) == ["unsupported"]                 # a name the doc lacks


# Persona facts written by someone else: no "X's group" wording, the name only in possessives, or no name.
PLAIN_PERSONA = ["Cooking is 34% of Maria's views (45,210 views), her top topic.",
                 "Travel is 12.4% of Maria's views, topic number 2."]
NAMELESS = ["Cooking is 34% of the views (45,210 views), the top topic.", "Travel is 12.4% of views, topic number 2."]


@pytest.mark.parametrize("contexts", [PLAIN_PERSONA, NAMELESS], ids=["possessive-name", "no-name"])
@pytest.mark.parametrize("answer, label", [
    ("34% of my views are Travel.", "contradicted"),    # 34% is Cooking's
    ("34% of my views are Cooking.", "supported"),
    ("My favourite topic is Travel.", "contradicted"),  # Cooking is the top topic
    ("My favourite topic is Cooking.", "supported"),
    ("Travel is my third topic.", "contradicted"),      # it is number 2
    ("Travel is my second topic.", "supported"),
    ("I love anime.", "unsupported"),                   # nothing in the data: not document mode's "supported"
])
def test_first_person_answers_are_checked_as_the_persona_on_plain_text_contexts(
        contexts: list[str], answer: str, label: str) -> None:
    assert labels(answer, contexts) == [label]


def test_plain_text_persona_rankings_in_other_wordings() -> None:
    listed = ["Top topics: Travel (12.4%), Cooking (34%).", "The persona lives in Brazil and is 38 years old."]
    assert labels("My favourite topic is Cooking.", listed) == ["supported"]    # ranked by share, not order
    assert labels("My favourite topic is Travel.", listed) == ["contradicted"]
    assert labels("I'm from France.", listed) == ["contradicted"]
    stated = ["The persona's top topic is Cooking (34% of views).", "The persona's second topic is Travel."]
    assert labels("Travel is my favourite topic.", stated) == ["contradicted"]
    # a third-person summary of the same text stays in document mode
    assert check("Maria's views are mostly Cooking.", PLAIN_PERSONA).claims[0].reason.startswith("no number")


@pytest.mark.parametrize("answer, label", [
    ("Cooking is 0.342 of my views.", "supported"),         # a share written as a fraction of one
    ("Cooking is 0.5 of my views.", "contradicted"),
    ("About a third of my views are Cooking.", "supported"),  # "a third" is a fraction, not rank 3
    ("Cooking is about a third of my views.", "supported"),
    ("A fifth of my views are Travel.", "supported"),
    ("Cooking and Travel together are 54.3% of my views.", "supported"),  # 34.2% + 20.1%
    ("Cooking and Travel together are 54% of my views.", "supported"),
    ("Cooking and Travel together are 60% of my views.", "contradicted"),
    ("Cooking and Travel together are 34.2% of my views.", "contradicted"),  # one part is not the sum
    ("Together, Cooking and Travel get 24,549 views from my group.", "supported"),
    ("Cooking and Travel combined get 25,549 views.", "contradicted"),
    ("Cooking is 14.1 points more than Travel.", "supported"),   # percentage points
    ("Cooking is 14.1 percentage points more than Travel.", "supported"),
    ("Cooking is 15 points more than Travel.", "contradicted"),
])
def test_shares_fractions_sums_and_points(answer: str, label: str) -> None:
    assert labels(answer) == [label]


def test_a_title_two_items_share_has_both_ranks() -> None:
    """MovieLens lists some films twice under one title: either place of that title is the data's."""
    facts = [FACTS[1],
             "Ana Souza's group has 40 views on \"Ulee's Gold (1997)\" (number 2 of Ana Souza's top content; weight "
             "3.0% of the behaviour).",
             "Ana Souza's group has 30 views on \"Easy pasta\" (number 3 of Ana Souza's top content; weight 2.0% of "
             "the behaviour).",
             "Ana Souza's group has 20 views on \"Ulee's Gold (1997)\" (number 4 of Ana Souza's top content; weight "
             "1.0% of the behaviour)."]
    assert labels('"Ulee\'s Gold (1997)" is number 2 on my list.', facts) == ["supported"]
    assert labels('"Ulee\'s Gold (1997)" is number 4 on my list.', facts) == ["supported"]
    assert labels('"Ulee\'s Gold (1997)" is number 3 on my list.', facts) == ["contradicted"]


def test_points_are_percentage_points_only_in_persona_answers() -> None:
    doc = ["The Lakers beat the Celtics 110-103 on Sunday; they won by 7 points more than in their last meeting."]
    assert labels("The Lakers won by 7 points more than last time.", doc) == ["supported"]
    assert labels("The Lakers won by 9 points more than last time.", doc) != ["supported"]
    from checker.numbers import parse_numbers

    assert [n.kind for n in parse_numbers("14.1 points more than Travel")] == ["pct"]
    assert [(n.kind, n.unit) for n in parse_numbers("7 points more", points_as_pp=False)] == [("num", "point")]
