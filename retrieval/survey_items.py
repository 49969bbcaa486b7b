"""Which survey item a question is about: by the item's statement and name, in exact words and in meaning.

A question names an item when one of its content words is a word of the item's statement or column name
("the environment" -> "Improving and protecting the environment", "natenvir"), compared by stem, everyday
words read as the policy area they name too (vocabulary.POLICY_AREAS: "pensions" -> "Social Security"); failing
that, when its sentence embedding is close enough to the statement's (``min_similarity``, set on
all-MiniLM-L6-v2: "schools" ->
"Improving the nation's education system"). When no item matches, the nearest ones by meaning are kept so
the answer can say what the survey did ask that comes closest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from personas.survey_profile import ItemPosition
from vocabulary import area_words


# Words of an opinion question that say it is one, not what it is about
_FILLER = frozenset("""what whats think about agree agrees disagree support supports oppose favour favor spend spending
spent money enough much little many right amount government country nation nations public people group groups your you
our their there they them this that these those should would could does have more less cuts raise feel view views
stand opinion opinions believe answer answered rate take position care strongly respondents survey segment
approve against like want wants really need needs being doing well good bad high higher lower issue issues question
questions say says said level levels improving protecting halting rising program programs system the and for with
from into onto over under its it's what's who how why when where which are was were been has had not all any some
than then too very also just get gets got today now""".split())
_WORD = re.compile(r"[a-z][a-z'-]+")


_SUFFIX = re.compile(r"(?:ments?|ation|ations|ing|ings|ies|es|s|al|ed)$")


def stem(word: str) -> str:
    """A word's rough stem for matching ('schools' -> 'school', 'environmental' -> 'environment')."""
    w = word.lower()
    for _ in range(2):  # 'environmental' -> 'environment' -> 'environ'
        w = _SUFFIX.sub("", w) if len(w) > 5 else w.rstrip("s")
    return w


@dataclass(frozen=True)
class ItemMatch:
    item: str  # '' when none matched
    closest: tuple[str, ...]  # the nearest items by meaning, best first
    how: str  # 'words', 'meaning' or 'none'


def _stems(text: str) -> set[str]:
    return {stem(w.strip("'-")) for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _FILLER}


def word_hits(question: str, pos: ItemPosition) -> int:
    """How many of the question's content words (by stem) are words of the item's statement or name."""
    asked = _stems(question) | _stems(" ".join(area_words(question)))  # "pensions" -> "social security"
    said = _stems(pos.statement) | {stem(pos.item.lower())}
    prefixed = sum(1 for w in asked - said if any(len(x) >= 5 and w.startswith(x) for x in said))  # 'healthcare'
    return len(asked & said) + prefixed + sum(1 for w in asked if len(w) >= 5 and pos.item.lower().startswith(w[:5]))


def match_item(question: str, qvec: np.ndarray | None, items: Sequence[ItemPosition],
               embed: Callable[[list[str]], np.ndarray] | None, min_similarity: float = 0.38,
               closest: int = 2) -> ItemMatch:
    if not items:
        return ItemMatch("", (), "none")
    hits = [word_hits(question, p) for p in items]
    sims = np.zeros(len(items), dtype=np.float32)
    if qvec is not None and embed is not None:
        vecs = np.asarray(embed([p.statement for p in items]), dtype=np.float32)
        sims = vecs @ np.asarray(qvec, dtype=np.float32)
    order = sorted(range(len(items)), key=lambda i: (-hits[i], -float(sims[i])))
    near = tuple(items[i].item for i in sorted(range(len(items)), key=lambda i: -float(sims[i]))[:closest])
    best = order[0]
    if hits[best] > 0:
        return ItemMatch(items[best].item, near, "words")
    if float(sims[best]) >= min_similarity:
        return ItemMatch(items[best].item, near, "meaning")
    return ItemMatch("", near, "none")
