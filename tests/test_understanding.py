"""Question understanding: the kind table, the learned classifier (the real all-MiniLM-L6-v2 model) and the
exact rules. The question -> kind table (tests/understanding_table.py) is in wordings of our own."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from chat.intents import ordinal, plain, quoted
from chat.kinds import KINDS, LEARNED, TABLE, route_types, spec
from chat.responders.sentences import amount
from chat.understanding import KindClassifier, Understanding, training_set
from retrieval.embeddings import LocalEmbeddings
from understanding_table import QUESTION_KINDS


@pytest.fixture(scope="module")
def understanding(tmp_path_factory):
    emb = LocalEmbeddings()
    return Understanding(emb.embed_array, cache_dir=tmp_path_factory.mktemp("kinds"), model_name=emb.name).fit()


def test_every_kind_has_examples_a_composer_and_needs():
    from chat.responders.grounded import _Composer

    for k in TABLE:
        assert len(k.examples) >= 8 or k.name == "greeting", k.name
        assert hasattr(_Composer, k.composer), k.composer
        assert k.refuses or k.answers or k.name in ("greeting",), k.name
        assert not k.refuses or k.unrecorded or k.composer != "k_unrecorded", k.name
    for _, kind in QUESTION_KINDS:
        assert kind in KINDS, kind
    assert set(LEARNED) <= {k for _, k in QUESTION_KINDS}  # the table covers every learned kind


def test_examples_are_not_repeated_across_kinds():
    texts, kinds = training_set()
    seen: dict[str, str] = {}
    for t, k in zip(texts, kinds, strict=True):
        assert seen.setdefault(t, k) == k, (t, seen[t], k)


def test_the_question_table_is_read_right(understanding):
    """The learned reading must generalise: at least 92% of questions in wordings it never saw, and every
    kind right at least once."""
    wrong, right = [], Counter()
    for q, kind in QUESTION_KINDS:
        got = understanding.read(q).kind
        if got == kind:
            right[kind] += 1
        else:
            wrong.append((q, kind, got))
    assert len(wrong) / len(QUESTION_KINDS) <= 0.08, wrong
    assert {k for _, k in QUESTION_KINDS} == set(right), wrong


def test_questions_outside_the_data_abstain(understanding):
    for q in ("xyzzy", "asdf qwer", "what is the capital of France?"):
        assert understanding.read(q).kind == "unknown", q


def test_the_fitted_classifier_is_kept_and_reloaded(understanding, tmp_path):
    emb = LocalEmbeddings()
    calls = []

    def counting(texts):
        calls.append(len(texts))
        return emb.embed_array(texts)

    first = Understanding(counting, cache_dir=tmp_path, model_name=emb.name).fit()
    again = Understanding(counting, cache_dir=tmp_path, model_name=emb.name).fit()
    assert calls == [len(training_set()[0])]  # the second one loads the fit, embeds nothing
    v = emb.embed_array(["what do you watch most?"])[0]
    assert np.allclose(first.classifier.predict_proba(v), again.classifier.predict_proba(v))


def test_classifier_follows_sklearn_conventions():
    rng = np.random.default_rng(0)
    centres = np.eye(4, 16)
    X = np.vstack([c + 0.05 * rng.standard_normal((10, 16)) for c in centres])
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    y = [k for k in "abcd" for _ in range(10)]
    clf = KindClassifier(min_similarity=0.5).fit(X, y)
    assert clf.coef_.shape == (4, 16) and list(clf.classes_) == list("abcd")
    assert clf.read(centres[2]).kind == "c"
    far = np.zeros(16)
    far[10] = 1.0
    assert clf.read(far).abstained and clf.read(far).kind == "unknown"


@pytest.mark.parametrize(("question", "rank"), [
    ("and the second one?", 2), ("what's your 3rd topic?", 3), ("number 4 please", 4), ("the last one", -1),
    ("how many views last month?", None), ("when did you first visit?", None), ("what is your first topic?", 1),
    ("the first time you watched", None),
    # from the bottom: -1 the last, -2 the one above it
    ("what's at the very bottom of your list?", -1), ("and the bottom one?", -1), ("the second-lowest?", -2),
    ("which is second to last?", -2), ("the penultimate genre?", -2), ("third from the bottom?", -3),
    ("what do you watch least?", None), ("the last time you watched", None),
])
def test_ordinals_are_places_on_a_list_not_periods(question, rank):
    assert ordinal(question) == rank


@pytest.mark.parametrize(("last_kind", "question", "resolved"), [
    ("topics", "and the bottom one?", "What is the last of your topics?"),
    ("topics", "what's at the bottom of your list?", "What is the last of your topics?"),
    ("topics", "what about the second-lowest?", "What is the second to last of your topics?"),
    ("content_top", "and the penultimate one?", "Which video is the second to last of your top content?"),
    ("content_top", "how many views did the second to last one get?",
     "how many views did the second to last of your top content get?"),
])
def test_follow_ups_from_the_bottom_of_a_list(last_kind, question, resolved):
    from chat.followup import resolve
    from chat.responders.base import Turn

    last = Turn("What do you watch most?", "...", "p", (), (), "", last_kind)
    assert resolve(question, [last]) == resolved


@pytest.mark.parametrize(("question", "title"), [
    ('would you watch "Budget travel in Japan"?', "Budget travel in Japan"),
    ("would you watch 'Top 10 supercars'?", "Top 10 supercars"),
    ("what's your favourite? don't you have one?", None),
])
def test_quoted_titles_but_not_apostrophes(question, title):
    assert quoted(question) == title


def test_routes_come_from_the_kind_table():
    assert next(iter(route_types("trend"))) == "trend"
    assert set(route_types("compare")) >= {"topic", "audience"}
    assert spec("no such kind").name == "unknown"


@pytest.mark.parametrize(("value", "shown"), [
    (3338389.5, "3,338,390"), (45210.0, "45,210"), (12.25, "12.2"), (7.0, "7"), (150.4, "150"),
])
def test_counts_are_written_for_people(value, shown):
    assert amount(value) == shown


def test_plain_reads_shorthand():
    assert plain("whats ur fav genre") == "what's your favourite genre"


# New titles the persona never saw: the title's own words must not pull the reading away from the question
NEW_TITLES = [
    "would you click on a fresh upload about restoring an old sailboat?",
    "would you watch a new video called 'Ten tiny houses in Norway'?",
    "if we made a documentary on deep sea mining would you click?",
    'would a video titled "My grandmother reviews energy drinks" interest you?',
    "would your group tune in to a series named 'Backyard Astronomy for Beginners'?",
    "would you give 'Midnight ferry to Helsinki' a look?",
    "how likely are you to click a thumbnail saying 'I tried living on 5 dollars a day'?",
    "would you open a video named 'The secret life of lighthouses'?",
    "if a new movie called 'Harbor Lights' came out, would you rate it?",
    "should we produce an episode on vintage typewriter repair?",
    "would a short about competitive cheese rolling get a view from you?",
    "imagine an upload titled 'Why pigeons run the city' - would you press play?",
    "is a tutorial covering sourdough for absolute beginners something you'd open?",
    "would 'Silent Valleys: a hiking diary' be worth a click for your group?",
    "our next film is about the last lighthouse keepers of Wales; would you see it?",
    "suppose we released a clip named Grandpa Tries Esports, would you watch?",
]


@pytest.mark.parametrize("question", NEW_TITLES)
def test_a_new_title_is_read_as_would_watch_not_as_its_words(understanding, question):
    assert understanding.read(question).kind == "would_watch"


@pytest.mark.parametrize(("question", "masked"), [
    ("would you watch a new video called 'Ten tiny houses'?", "would you watch a new video called it?"),
    ("if we made a documentary on deep sea mining would you click?", "if we made a documentary on it would you click?"),
    ("would a clip about knitting, for you, be fun?", "would a clip about it, for you, be fun?"),
    ("what is your top video about?", "what is your top video about?"),
    ("would you watch a video about it?", "would you watch a video about it?"),
    ("how many views did your top video get?", "how many views did your top video get?"),
])
def test_titles_are_masked_for_the_reading(question, masked):
    from chat.intents import mask_titles

    assert mask_titles(question) == masked
