"""Persona search: the query parser (pure), and search quality on real Chroma with the real embedding model.

Expectations are read from the generated personas (which persona is the Brazilian woman, which student group
has the most Sci-Fi), never hard-coded names.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from cli.main import main
from personas import formatting as fmt
from personas.errors import InputError
from personas.profile import Persona
from retrieval.query import AGE_MAX, QueryConstraints, parse_query

DEMO_TOPICS = ["Beauty", "Cars", "Comedy", "Cooking", "DIY", "Education", "Fitness", "Gaming", "Music", "Parenting",
               "Personal Finance", "Science", "Sports", "Tech Reviews", "Travel"]
ML_TOPICS = ["Action", "Adventure", "Children's", "Comedy", "Crime", "Drama", "Horror", "Romance", "Sci-Fi",
             "Thriller", "War"]
COUNTRIES = ["United States", "India", "Mexico", "Indonesia", "United Kingdom", "Brazil", "Philippines", "Germany"]
OCCUPATIONS = ["student", "programmer", "other", "writer", "executive", "retired", "educator"]


def parse(text: str, topics: Sequence[str] = DEMO_TOPICS, values: Sequence[str] = ()) -> QueryConstraints:
    return parse_query(text, topics, COUNTRIES, values)


# ---------------------------------------------------------------------------------------------- parser

@pytest.mark.parametrize(("text", "gender"), [
    ("women who cook", "female"), ("a woman", "female"), ("female viewers", "female"), ("girls", "female"),
    ("ladies", "female"), ("moms", "female"), ("mothers", "female"), ("men", "male"), ("a man", "male"),
    ("male", "male"), ("guys", "male"), ("boys", "male"), ("dads", "male"), ("fathers", "male"),
    ("men and women", None), ("people", None), ("human resources", None), ("salesmanship", None),
])
def test_gender(text: str, gender: str | None) -> None:
    assert parse(text).gender == gender


@pytest.mark.parametrize(("text", "age"), [
    ("over 45", (46, AGE_MAX)), ("above 45", (46, AGE_MAX)), ("older than 45", (46, AGE_MAX)),
    ("45+", (45, AGE_MAX)), ("45 and over", (45, AGE_MAX)), ("at least 45", (45, AGE_MAX)),
    ("under 30", (0, 29)), ("younger than 30", (0, 29)), ("below 30", (0, 29)),
    ("in their 20s", (20, 29)), ("twenties", (20, 29)), ("in their thirties", (30, 39)), ("20s", (20, 29)),
    ("early 30s", (30, 33)), ("late 20s", (27, 29)), ("mid-40s", (44, 46)),
    ("25-34", (25, 34)), ("aged 25 to 34", (25, 34)), ("between 25 and 34", (25, 34)), ("25–34", (25, 34)),
    ("aged 40", (40, 40)), ("40 years old", (40, 40)),
    ("teens", (13, 19)), ("teenagers", (13, 19)), ("young", (18, 29)), ("young adults", (18, 29)),
    ("middle-aged", (40, 59)), ("seniors", (55, AGE_MAX)), ("older people", (55, AGE_MAX)),
    ("elderly", (55, AGE_MAX)), ("retired", (65, AGE_MAX)), ("retirees", (65, AGE_MAX)),
    ("young people under 25", (18, 24)),
    ("over 1000 views", None), ("80s movies", None), ("in the 90s", None), ("25 and 34", None), ("top 10", None),
])
def test_age(text: str, age: tuple[int, int] | None) -> None:
    assert parse(text).age == age


def test_age_pronoun_also_says_gender() -> None:
    c = parse("someone in her 30s")
    assert (c.gender, c.age) == ("female", (30, 39))
    assert parse("in his 50s").gender == "male"


@pytest.mark.parametrize(("text", "countries"), [
    ("women in Germany", ("Germany",)), ("from germany", ("Germany",)), ("German men", ("Germany",)),
    ("Brazilian moms", ("Brazil",)), ("Brazilians", ("Brazil",)), ("Filipina students", ("Philippines",)),
    ("Indian", ("India",)), ("Mexicans", ("Mexico",)), ("British", ("United Kingdom",)),
    ("American", ("United States",)), ("from the US", ("United States",)), ("USA", ("United States",)),
    ("in the U.S.", ("United States",)), ("the UK", ("United Kingdom",)), ("DE", ("Germany",)),
    ("people from Japan", ("Japan",)), ("Japanese women", ("Japan",)), ("Korean", ("South Korea",)),
    ("Nigerian", ("Nigeria",)), ("Egyptians", ("Egypt",)), ("Argentinian", ("Argentina",)),
    ("Canadian", ("Canada",)), ("Australians", ("Australia",)), ("French", ("France",)),
    ("Brazil or Mexico", ("Brazil", "Mexico")), ("United Kingdom", ("United Kingdom",)),
    ("what do us guys like", ()), ("things in india", ("India",)), ("living in a city", ()),
    ("cooking turkey", ()), ("from Turkey", None), ("AI videos", ()), ("IT workers", ()),
    ("WOMEN IN GERMANY", ("Germany",)), ("Women IN Germany", ("Germany",)), ("IN", ()),
])
def test_countries(text: str, countries: tuple[str, ...] | None) -> None:
    got = parse(text).countries
    if countries is None:  # a real country outside the set: named as people write it
        assert len(got) == 1 and got[0] not in COUNTRIES
    else:
        assert got == countries


def test_country_spelt_as_in_the_set() -> None:
    assert parse_query("Brits", [], ["GB"]).countries == ("GB",)
    assert parse_query("Brits", [], []).countries == ("United Kingdom",)


@pytest.mark.parametrize(("text", "topics", "expected"), [
    ("who watch cooking", DEMO_TOPICS, ("Cooking",)),
    ("COOKING", DEMO_TOPICS, ("Cooking",)),
    ("sci-fi movies", ML_TOPICS, ("Sci-Fi",)),
    ("sci fi", ML_TOPICS, ("Sci-Fi",)),
    ("scifi", ML_TOPICS, ("Sci-Fi",)),
    ("science fiction", ML_TOPICS, ("Sci-Fi",)),
    ("science fiction", DEMO_TOPICS, ("Science",)),
    ("children's films", ML_TOPICS, ("Children's",)),
    ("comedies", ML_TOPICS, ("Comedy",)),
    ("thrillers", ML_TOPICS, ("Thriller",)),
    ("money", DEMO_TOPICS, ("Personal Finance",)),
    ("finance", DEMO_TOPICS, ("Personal Finance",)),
    ("money", ML_TOPICS, ()),
    ("gamers", DEMO_TOPICS, ("Gaming",)),
    ("tech review", DEMO_TOPICS, ("Tech Reviews",)),
    ("comedy and music", DEMO_TOPICS, ("Comedy", "Music")),
    ("diy", DEMO_TOPICS, ("DIY",)),
    ("news", ["News"], ("News",)),
    ("new parents", ["News"], ()),
])
def test_topics(text: str, topics: list[str], expected: tuple[str, ...]) -> None:
    assert parse(text, topics).topics == expected


def test_parent_words_hint_parenting_when_the_set_has_it() -> None:
    assert parse("Brazilian moms").topics == ("Parenting",)
    assert parse("moms", ML_TOPICS).topics == ()


@pytest.mark.parametrize(("text", "values"), [
    ("students", ("student",)), ("a student", ("student",)), ("programmers", ("programmer",)),
    ("educators", ("educator",)), ("teachers", ("educator",)), ("software developers", ("programmer",)),
    ("writers and executives", ("writer", "executive")), ("other people", ()), ("studying", ()),
])
def test_group_values(text: str, values: tuple[str, ...]) -> None:
    assert parse(text, ML_TOPICS, OCCUPATIONS).group_values == values


def test_retired_is_the_group_value_when_the_set_has_it() -> None:
    c = parse("retired", ML_TOPICS, OCCUPATIONS)
    assert c.group_values == ("retired",) and c.age is None
    assert parse("retired", ML_TOPICS, ["student"]).age == (65, AGE_MAX)


@pytest.mark.parametrize(("text", "sort"), [
    ("the persona with the biggest audience", "largest"), ("largest audience", "largest"),
    ("most views", "largest"), ("the most popular persona", "largest"), ("most people", "largest"),
    ("smallest audience", "smallest"), ("least views", "smallest"), ("fewest viewers", "smallest"),
    ("least popular", "smallest"), ("biggest fans of cooking", None), ("who watch cooking the most", None),
])
def test_superlatives(text: str, sort: str | None) -> None:
    assert parse(text).sort == sort


@pytest.mark.parametrize(("text", "residual"), [
    ("women over 45 in Germany who watch cooking", ""),
    ("the persona with the biggest audience", ""),
    ("people in their 20s who care about money", ""),
    ("students who like sci-fi movies", ""),
    ("young gamers from the US who stream", "stream"),
    ("people who build furniture in their garage", "people who build furniture in their garage"),
    ("budget travel", "budget"),
])
def test_residual(text: str, residual: str) -> None:
    assert parse(text, DEMO_TOPICS + ML_TOPICS, OCCUPATIONS).residual == residual


def test_full_queries() -> None:
    c = parse("women over 45 in Germany who watch cooking")
    assert (c.gender, c.age, c.countries, c.topics) == ("female", (46, AGE_MAX), ("Germany",), ("Cooking",))
    assert c.sort is None
    assert c.age_phrase() == "over 45" and c.has_hard
    c = parse("young gamers from the US")
    assert (c.gender, c.age, c.countries, c.topics) == (None, (18, 29), ("United States",), ("Gaming",))
    c = parse("people in their 20s who care about money")
    assert (c.age, c.topics, c.countries) == ((20, 29), ("Personal Finance",), ())
    assert parse("").is_empty and parse("the people who").is_empty
    assert ("over 45", "age 46+") in parse("over 45").matched


def test_parser_is_pure_and_deterministic() -> None:
    a = parse("Brazilian moms in their 30s who love cooking")
    assert a == parse("Brazilian moms in their 30s who love cooking")
    with pytest.raises(AttributeError):
        a.gender = "male"  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------- quality

@pytest.fixture(autouse=True)
def _real_embeddings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Search quality is about meaning: nothing here may read the hashing stand-in."""
    monkeypatch.delenv("PERSONAS_EMBEDDING_MODEL", raising=False)


def _build(home: Path, spec_name: str, name: str, activate: bool):  # type: ignore[no-untyped-def]
    from personas import datasets
    from personas.data import load
    from personas.pipeline import GenerateOptions, generate
    from usecases.settings import Settings
    from usecases.store import open_store

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("PERSONAS_EMBEDDING_MODEL", raising=False)
        settings = Settings(home=home, embedding_model=None)
        store = open_store(settings)
        spec = datasets.demo_spec() if spec_name == "demo" else datasets.movielens_spec()
        pset = generate(load(spec), settings.generation, GenerateOptions(name=name, version=1, k=10, seed=0))
        store.save(pset, activate=activate)
    return store, pset.personas


@pytest.fixture(scope="module")
def search_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("search-home")


@pytest.fixture(scope="module")
def demo(search_home: Path):  # type: ignore[no-untyped-def]
    return _build(search_home, "demo", "demo", activate=True)


@pytest.fixture(scope="module")
def movielens(search_home: Path, demo):  # type: ignore[no-untyped-def]
    return _build(search_home, "movielens", "ml", activate=False)


def search(store, query: str, **kw):  # type: ignore[no-untyped-def]
    from retrieval.search import search_personas

    result = search_personas(store, query, **kw)
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True) and all(0.0 <= s <= 1.0 for s in scores)
    return result


def top_topic(personas: list[Persona], topic: str) -> Persona:
    """The persona whose group has the largest share of ``topic``."""
    return max(personas, key=lambda p: next((t.share for t in p.stats.topics if t.topic == topic), 0.0))


def bracket(p: Persona) -> tuple[int, int]:
    lo, hi = p.group["age"].split("-")
    return int(lo), int(hi)


PLURAL = {"female": "women", "male": "men"}


@pytest.mark.slow
def test_every_demo_persona_is_found_by_its_demographics(demo) -> None:  # type: ignore[no-untyped-def]
    store, personas = demo
    for p in personas:
        query = f"{PLURAL[p.gender]} aged {p.group['age']} from {p.country}"
        result = search(store, query)
        assert result.hits and result.hits[0].persona_id == p.id, query
        why = result.hits[0].why
        assert f"gender: {p.gender}" in why and f"country: {p.country}" in why
        assert f"age {p.age} in {p.group['age']}" in why


@pytest.mark.slow
def test_every_demo_persona_is_found_by_gender_and_top_topic(demo) -> None:  # type: ignore[no-untyped-def]
    store, personas = demo
    for p in personas:
        topic = p.stats.topics[0]
        same_gender = [q for q in personas if q.gender == p.gender]
        if top_topic(same_gender, topic.topic).id != p.id:
            continue  # another persona of that gender has more of it: not this persona's query
        result = search(store, f"{PLURAL[p.gender]} who watch {topic.topic.lower()}")
        assert result.hits[0].persona_id == p.id
        assert (f"{topic.topic} is {fmt.share(topic.share)} of the group's views (lift {fmt.lift(topic.lift)})"
                in result.hits[0].why)


@pytest.mark.slow
def test_user_queries_on_the_demo_set(demo) -> None:  # type: ignore[no-untyped-def]
    store, personas = demo
    biggest = max(personas, key=lambda p: p.stats.group_interactions)
    result = search(store, "the persona with the biggest audience")
    assert result.hits[0].persona_id == biggest.id
    size, share = fmt.count(biggest.stats.group_interactions), fmt.share(biggest.stats.audience_share)
    assert result.hits[0].why == [f"biggest audience: {size} views ({share})"]

    gamer = top_topic(personas, "Gaming")
    assert gamer.country == "United States" and bracket(gamer)[0] < 30  # the data plants young US gamers
    assert search(store, "young gamers from the US").hits[0].persona_id == gamer.id

    brazilian_women = [p for p in personas if p.country == "Brazil" and p.gender == "female"]
    assert len(brazilian_women) == 1
    result = search(store, "Brazilian moms")
    assert [h.persona_id for h in result.hits] == [brazilian_women[0].id]

    saver = top_topic(personas, "Personal Finance")
    assert bracket(saver)[0] <= 29 and bracket(saver)[1] >= 20
    assert search(store, "people in their 20s who care about money").hits[0].persona_id == saver.id

    cook = top_topic([p for p in personas if p.gender == "female"], "Cooking")
    result = search(store, "women who watch cooking")
    assert result.hits[0].persona_id == cook.id
    assert all(p.gender == "female" for p in personas if p.id in {h.persona_id for h in result.hits})

    smallest_man = min((p for p in personas if p.gender == "male"), key=lambda p: p.stats.group_interactions)
    assert search(store, "men with the smallest audience").hits[0].persona_id == smallest_man.id


@pytest.mark.slow
def test_semantic_only_queries(demo) -> None:  # type: ignore[no-untyped-def]
    store, personas = demo
    parent = top_topic(personas, "Parenting")
    title = next(c.title for c in parent.stats.top_content if "Tantrum" in c.title or "Sleep" in c.title
                 or "Toddler" in c.title)
    result = search(store, f"videos like {title}")
    assert result.hits[0].persona_id == parent.id
    assert any(w.startswith("semantic match 0.") for w in result.hits[0].why)


@pytest.mark.slow
def test_no_match_says_so_instead_of_noise(demo) -> None:  # type: ignore[no-untyped-def]
    store, personas = demo
    assert not [p for p in personas if p.gender == "female" and p.country == "Germany"]
    result = search(store, "women over 45 in Germany who watch cooking")
    assert result.hits == []
    assert result.message == "no persona is a woman over 45 from Germany in set demo@v1"

    result = search(store, "Japanese women")
    assert result.hits == [] and result.message == "no persona is a woman from Japan in set demo@v1"

    for query in ("quantum chromodynamics", "knitting patterns", "the people who"):
        result = search(store, query)
        assert result.hits == [] and result.message
        assert result.message.startswith(("no persona", "nothing")), result.message


@pytest.mark.slow
def test_topic_without_over_index_is_a_note(demo) -> None:  # type: ignore[no-untyped-def]
    store, personas = demo
    men = [p for p in personas if p.gender == "male"]
    topic = next(t for t in DEMO_TOPICS
                 if not any(s.topic == t and s.lift > 1 for p in men for s in p.stats.topics))
    result = search(store, f"men who watch {topic}", k=10)
    assert {h.persona_id for h in result.hits} == {p.id for p in men}
    assert result.message and "over-indexes" in result.message


@pytest.mark.slow
def test_bad_input_and_truncation(demo) -> None:  # type: ignore[no-untyped-def]
    store, _ = demo
    for bad in ("", "   ", "\n\t"):
        with pytest.raises(InputError, match="query is empty"):
            search(store, bad)
    long = "young gamers from the US " + "really " * 200
    result = search(store, long, max_chars=100)
    assert result.truncated and len(result.query) == 100
    assert result.hits and result.constraints.topics == ("Gaming",)
    assert not search(store, "young gamers from the US").truncated


@pytest.mark.slow
def test_results_are_deterministic(demo) -> None:  # type: ignore[no-untyped-def]
    store, _ = demo
    for query in ("women", "budget travel", "the largest audience"):
        assert search(store, query) == search(store, query)
    women = search(store, "women", k=10)
    assert len({h.score for h in women.hits}) == 1  # all match fully: ties go to the bigger audience
    ranks = [int(h.persona_id.rsplit("-", 1)[1]) for h in women.hits]
    assert ranks == sorted(ranks)


@pytest.mark.slow
@pytest.mark.movielens
def test_occupation_queries_on_movielens(movielens) -> None:  # type: ignore[no-untyped-def]
    store, personas = movielens
    students = [p for p in personas if p.group["occupation"] == "student"]
    assert len(students) >= 2
    result = search(store, "students who like sci-fi movies", set_name="ml")
    assert result.hits[0].persona_id == top_topic(students, "Sci-Fi").id
    assert all(h.persona_id in {p.id for p in students} for h in result.hits)

    programmers = {p.id for p in personas if p.group["occupation"] == "programmer"}
    assert programmers
    result = search(store, "programmers", set_name="ml", k=10)
    assert {h.persona_id for h in result.hits} == programmers
    assert "occupation: programmer" in result.hits[0].why

    result = search(store, "students", set_name="ml", k=10)
    assert {h.persona_id for h in result.hits} == {p.id for p in students}

    result = search(store, "Brazilian moms", set_name="ml")
    assert result.hits == [] and result.message.endswith("the set has no country data")

    women = [p for p in personas if p.gender == "female"]
    result = search(store, "women", set_name="ml", k=10)
    assert {h.persona_id for h in result.hits} == {p.id for p in women}


# ---------------------------------------------------------------------------------------------- CLI

def run(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--home", str(home), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.slow
def test_cli_search(demo, search_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, personas = demo
    gamer = top_topic(personas, "Gaming")
    code, out, err = run(search_home, capsys, "search", "young gamers from the US", "--json")
    assert code == 0 and err == ""
    rows = json.loads(out)
    assert rows[0]["persona_id"] == gamer.id and set(rows[0]) == {"persona_id", "name", "score", "why"}

    code, out, err = run(search_home, capsys, "search", "women", "-k", "2")
    assert code == 0 and "score" in out.splitlines()[0] and len(out.splitlines()) == 3

    code, out, err = run(search_home, capsys, "search", "women over 45 in Germany", "--json")
    assert code == 0 and json.loads(out) == []
    assert err.strip() == "personas: no persona is a woman over 45 from Germany in set demo@v1"
    code, out, err = run(search_home, capsys, "search", "women over 45 in Germany")
    assert code == 0 and out.strip() == "no persona is a woman over 45 from Germany in set demo@v1"

    code, out, err = run(search_home, capsys, "search", "  ")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "query is empty" in err

    code, out, err = run(search_home, capsys, "search", "young gamers " + "x" * 600, "--json")
    assert code == 0 and len(err.strip().splitlines()) == 1 and "searched its first 500" in err

    code, out, err = run(search_home, capsys, "search", "women", "--set", "nope")
    assert code == 2 and "no persona set named 'nope'" in err
