"""The quotes' offensive-language filter against better_profanity's own check, on texts made here: the same
verdict on words, substitutions ("@$$"), case, words inside longer words, word pairs and separators."""

from __future__ import annotations

import random

import pytest
from better_profanity import profanity
from better_profanity.utils import read_wordlist

from personas.offensive import SUBSTITUTES, is_offensive

CLEAN = ("we watched the whole series twice and my sister laughed at every scene of the classic episode about "
         "a grape farm near scunthorpe where the assistant cook makes shiitake soup").split()
SEPARATORS = (" ", " ", ", ", "! ", "-", "_", ". ", "...", " (", ") ", "  ")


@pytest.fixture(scope="module")
def listed() -> list[str]:
    profanity.load_censor_words()
    return sorted(set(read_wordlist(profanity._default_wordlist_filename)))


def _text(rng: random.Random, listed: list[str]) -> str:
    parts = []
    for _ in range(rng.randint(1, 14)):
        word = rng.choice(listed) if rng.random() < 0.08 else rng.choice(CLEAN)
        if rng.random() < 0.2:
            word = "".join(rng.choice(SUBSTITUTES[c]) if c in SUBSTITUTES and rng.random() < 0.3 else c for c in word)
        if rng.random() < 0.1:
            word = word.upper()
        if rng.random() < 0.05:
            word += rng.choice(CLEAN)
        parts += [word, rng.choice(SEPARATORS)]
    return "".join(parts[:-1]) + rng.choice(("", ".", "!", " :)"))


def test_the_same_verdict_as_better_profanity(listed: list[str]) -> None:
    rng = random.Random(3)
    texts = [_text(rng, listed) for _ in range(800)]
    ours = [is_offensive(t) for t in texts]
    theirs = [profanity.contains_profanity(t) for t in texts]
    assert 150 < sum(theirs) < 650  # both kinds are well represented
    assert [t for t, a, b in zip(texts, ours, theirs) if a != b] == []


@pytest.mark.parametrize("text, offensive", [
    ("What a sh1t ending", True), ("total @$$ move", True), ("SHIT happens", True), ("a blow job joke", True),
    ("a classic assessment of the grape harvest", False), ("Scunthorpe United won", False), ("", False),
])
def test_words_substitutions_and_words_inside_words(text: str, offensive: bool) -> None:
    assert is_offensive(text) is offensive
    assert profanity.contains_profanity(text) is offensive


def test_a_word_spelled_out_at_the_end_is_caught_where_the_package_misses_it() -> None:
    # the package drops a last word of one character from its word runs; a quote that ends so is still offensive
    assert is_offensive("that was f-u-c-k") and not profanity.contains_profanity("that was f-u-c-k")
