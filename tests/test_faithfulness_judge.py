"""LLM-judge mode through the real LangChain client against the scripted OpenAI-compatible server
(tests/llm_servers.py): decomposition, per-claim verdicts, the rules' veto, and a failing judge."""

from __future__ import annotations

import json

from langchain_openai import ChatOpenAI

from checker.faithfulness import check

FACTS = [
    "Ana Souza is 38 years old; gender female; from Brazil.",
    "Cooking is 34.2% of Ana Souza's group's views (15,462 views); it is topic number 1 of Ana Souza by share.",
]


def judge_for(server) -> ChatOpenAI:  # type: ignore[no-untyped-def]
    return ChatOpenAI(base_url=server.base_url, model="scripted", api_key="test", temperature=0, max_retries=0,
                      timeout=5)


def scripted(statements: list[str], verdicts: list[dict]):  # type: ignore[no-untyped-def]
    def reply(messages: list[dict]) -> str:
        system = str(messages[0]["content"])
        return json.dumps(statements) if system.startswith("Split") else "```json\n" + json.dumps(verdicts) + "\n```"
    return reply


def test_judge_verdicts_become_claims(openai_server) -> None:  # type: ignore[no-untyped-def]
    openai_server.script(scripted(
        ["Cooking is 34.2% of my views.", "I love Gardening."],
        [{"statement": "Cooking is 34.2% of my views.", "verdict": "supported", "fact": 2, "reason": "fact 2"},
         {"statement": "I love Gardening.", "verdict": "unsupported", "fact": None, "reason": "not mentioned"}],
    ))
    res = check("Cooking is 34.2% of my views [2]. I love Gardening.", FACTS, judge=judge_for(openai_server))
    assert [c.label for c in res.claims] == ["supported", "unsupported"]
    assert res.score == 0.5 and not res.faithful
    assert res.claims[0].evidence is not None and res.claims[0].evidence.context_index == 1
    assert res.claims[1].span[0] > 0  # located on the second sentence of the answer
    # Both prompts reached the server, the facts numbered in the second.
    prompts = [r.text() for r in openai_server.requests if r.method == "POST"]
    assert len(prompts) == 2 and "2. Cooking is 34.2%" in prompts[1]


def test_rules_veto_a_number_the_judge_let_through(openai_server) -> None:  # type: ignore[no-untyped-def]
    openai_server.script(scripted(
        ["Cooking is 45% of my views."],
        [{"statement": "Cooking is 45% of my views.", "verdict": "supported", "fact": 2, "reason": "close"}],
    ))
    res = check("Cooking is 45% of my views.", FACTS, judge=judge_for(openai_server))
    assert not res.faithful
    assert any(c.label == "contradicted" and c.reason.startswith("rules:") for c in res.claims)


def test_failing_judge_falls_back_to_the_rules(openai_server) -> None:  # type: ignore[no-untyped-def]
    openai_server.fail("500")
    res = check("I'm from France.", FACTS, judge=judge_for(openai_server))
    assert [c.label for c in res.claims] == ["contradicted"]
    assert "LLM judge unavailable" in res.claims[0].reason


def test_no_claim_answer_with_judge(openai_server) -> None:  # type: ignore[no-untyped-def]
    openai_server.script(["[]"])
    res = check("My data doesn't tell me that.", FACTS, judge=judge_for(openai_server))
    assert res.claims == [] and res.score == 1.0 and res.faithful
