"""A data-driven persona that claims to be a real human is unfaithful, however it words the claim, unless its
facts say so; denying it ("I'm not a real person") or saying whom it represents stays faithful. Facts of a
real demo persona (generated from the packaged demo data) and answers in several wordings."""

from __future__ import annotations

import pytest

from checker.faithfulness import check
from personas import formatting as fmt
from personas.data import load
from personas.datasets import demo_spec
from personas.pipeline import GenerateOptions, generate
from retrieval.documents import persona_documents
from usecases.settings import Settings
from vocabulary import human_claim


@pytest.fixture(scope="module")
def persona(tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("selfhood"))
    pset = generate(load(demo_spec()), settings.generation, GenerateOptions(name="demo", version=1, k=10, seed=0))
    return pset.personas[2]


def _facts(p) -> list[str]:
    return [d.text for d in persona_documents(p)]


def _grounded(p) -> str:
    """A grounded answer as the chat writes it, citing the audience fact (number 3 of the facts)."""
    s = p.stats
    return (f"I'm {p.name}, a data-driven persona: I represent a group of real viewers, not one real individual. "
            f"My group has {fmt.count(s.group_interactions)} {p.count_name} in total [3].")


ADDED = ["I'm a real person.", "I am a human.", "Honestly, I'm human like you.", "I'm an actual human being.",
         "We are real people, not numbers.", "I'm not an AI.", "I am not a bot, I promise.",
         "I'm a living, breathing viewer.", "I'm flesh and blood.", "I'm real, not a simulation.",
         "I'm not made up."]
KEPT = ["I'm not a real person.", "I'm a true crime viewer at heart.", "I'm a real fan of these videos.",
        "I'm really into what my group watches.", "I'm not sure what else to add."]


def test_the_grounded_answer_is_faithful(persona):
    result = check(_grounded(persona), _facts(persona))
    assert result.faithful, result.to_json()


@pytest.mark.parametrize("added", ADDED)
def test_a_claim_to_be_a_real_human_is_unfaithful(persona, added):
    result = check(f"{_grounded(persona)} {added}", _facts(persona))
    assert not result.faithful
    bad = [c for c in result.claims if c.label != "supported"]
    assert len(bad) == 1 and bad[0].text.rstrip(".") in added, result.to_json()
    assert bad[0].label == "contradicted" and bad[0].evidence is not None  # the facts describe a persona


@pytest.mark.parametrize("kept", KEPT)
def test_denials_and_other_uses_of_real_are_no_such_claim(persona, kept):
    assert human_claim(kept) is None
    assert not any("real human" in c.reason for c in check(f"{_grounded(persona)} {kept}", _facts(persona)).claims)


def test_the_claim_is_supported_when_the_facts_say_so():
    facts = ["Maya Lin is a real person who agreed to be interviewed; she lives in Oslo."]
    assert [c.label for c in check("I'm a real person.", facts).claims] == ["supported"]
    assert [c.label for c in check("I'm a real person.", ["Sales rose 4% in May."]).claims] == ["unsupported"]
