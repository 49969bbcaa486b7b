"""The app's /predict and /rank endpoints: a real server on loopback, driven with gradio_client."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from app_fixtures import Running, start_app
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from webapp import uploads

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start_app(tmp_path_factory.mktemp("app-predict") / "home")
    yield running
    running.close()


@pytest.fixture(scope="module")
def client(server: Running) -> Client:
    return Client(server.url, verbose=False)


def test_predict_endpoint(client: Client, server: Running) -> None:
    res = client.predict("Budget travel in Japan", "Travel, Food", api_name="/predict")
    assert res["set"] == "demo@v1" and res["unknown_topics"] == ["food"] and len(res["personas"]) == 10
    top = res["personas"][0]
    travel = max(server.services.store.load().personas,
                 key=lambda p: next((t.share for t in p.stats.topics if t.topic == "Travel"), 0))
    assert top["persona_id"] == travel.id and "travel is" in top["why"]
    assert abs(sum(p["interest"] for p in res["personas"]) - 1) < 1e-4
    with pytest.raises(AppError, match="title"):
        client.predict("", "Travel", api_name="/predict")
    with pytest.raises(AppError, match="no persona set named 'nope'"):
        client.predict("x", "", "nope", api_name="/predict")


def cached(data: bytes) -> list[Path]:
    cache = uploads.gradio_cache()
    if not cache.exists():
        return []
    return [p for p in cache.rglob("*") if p.is_file() and p.stat().st_size == len(data) and p.read_bytes() == data]


def test_rank_endpoint_keeps_nothing_about_the_person(client: Client, server: Running, tmp_path: Path) -> None:
    persona = server.services.store.find_persona("demo-v1-04")
    person = tmp_path / "person.csv"
    rows = [(c.content_id, c.count) for c in persona.stats.top_content]
    pd.DataFrame(rows, columns=["video_id", "views"]).assign(tag=uuid.uuid4().hex).to_csv(person, index=False)
    items = tmp_path / "items.csv"
    others = [f"v{i:04d}" for i in range(1, 31)]
    pd.DataFrame({"video_id": others, "note": uuid.uuid4().hex}).to_csv(items, index=False)
    res = client.predict(handle_file(str(person)), handle_file(str(items)), "video_id", "views", "", "",
                         api_name="/rank")
    assert res["conditioned"] and res["persona"]["persona_id"] == "demo-v1-04"
    assert sorted(i["content_id"] for i in res["items"]) == others and all(i["why"] for i in res["items"])
    assert cached(person.read_bytes()) == [] and cached(items.read_bytes()) == []
    empty = tmp_path / "empty.csv"
    empty.write_text("video_id,note\n")
    with pytest.raises(AppError, match="no data rows"):
        client.predict(handle_file(str(person)), handle_file(str(empty)), "video_id", api_name="/rank")
    with pytest.raises(AppError, match="upload the candidate items"):
        client.predict(handle_file(str(person)), None, "video_id", api_name="/rank")


def test_predict_section_handler(server: Running) -> None:
    from webapp.predict import ui_predict

    note, table = ui_predict(server.services, "Budget travel in Japan", "Travel", "demo@v1")
    assert "Budget travel in Japan" in note and len(table) == 10 and table["share of interest %"].iloc[0] > 10


def test_rank_endpoint_finds_the_content_column_or_names_the_columns(client: Client, server: Running,
                                                                     tmp_path: Path) -> None:
    persona = server.services.store.find_persona("demo-v1-04")
    person = tmp_path / "person.csv"
    pd.DataFrame([(c.content_id, c.count) for c in persona.stats.top_content],
                 columns=["video_id", "views"]).to_csv(person, index=False)
    items = tmp_path / "items.csv"
    others = [f"v{i:04d}" for i in range(1, 21)]
    pd.DataFrame({"video_id": others}).to_csv(items, index=False)
    # no content column given: the one column both files share (besides the count column)
    res = client.predict(handle_file(str(person)), handle_file(str(items)), "", "views", "", "", api_name="/rank")
    assert res["conditioned"] and sorted(i["content_id"] for i in res["items"]) == others
    # two shared columns: no guess, an error that names what each file has
    pd.DataFrame({"video_id": others, "views": 1}).to_csv(items, index=False)
    with pytest.raises(AppError, match=r"name the content id column .*both files have video_id, views; the "
                                       r"interactions have video_id, views; the candidates have video_id, views"):
        client.predict(handle_file(str(person)), handle_file(str(items)), "", "", "", "", api_name="/rank")


def test_taxonomy_endpoints_learn_override_and_detect(client: Client, server: Running, tmp_path: Path) -> None:
    from test_taxonomy import customers

    inter, labels = customers(8, 15, 0)
    inter.to_csv(tmp_path / "purchases.csv", index=False)
    labels.to_csv(tmp_path / "labels.csv", index=False)
    files = (handle_file(str(tmp_path / "labels.csv")), handle_file(str(tmp_path / "purchases.csv")))
    report = client.predict(*files, "video_id", "customer", "", "", "shop", "", api_name="/taxonomy_learn")
    ev = report["evaluation"]
    assert report["taxonomy"] == "shop" and report["customers"] == 80 and report["set"] == "demo@v1"
    assert ev["accuracy"] > ev["majority_accuracy"] and sum(map(sum, ev["confusion"])) == 80
    assert cached((tmp_path / "labels.csv").read_bytes()) == []  # the uploads are not kept
    new, _ = customers(1, 20, 7, prefix="new")
    new.to_csv(tmp_path / "new.csv", index=False)
    found = client.predict(handle_file(str(tmp_path / "new.csv")), "video_id", "", "customer", "shop",
                           api_name="/taxonomy_detect")
    by_id = {p["id"]: p for p in found["individuals"]}
    assert len(by_id) == 10 and all(p["why"] and p["personas"] for p in by_id.values())
    right = sum(by_id[f"new{j}-0"]["personas"][0]["persona"] == label
                for j, label in enumerate(["gamer", "gamer", "maker", "maker", "family", "family", "traveller",
                                           "traveller", "stylist", "stylist"]))
    assert right >= 8
    fixed = client.predict("c0-0", "maker", "shop", api_name="/taxonomy_override")
    assert fixed == {"taxonomy": "shop", "customer": "c0-0", "persona": "maker", "overrides": 1}
    again = client.predict(*files, "video_id", "customer", "", "", "shop", "", api_name="/taxonomy_learn")
    assert again["overrides"] == 1
    with pytest.raises(AppError, match="no taxonomy named 'nope'"):
        client.predict(handle_file(str(tmp_path / "new.csv")), "video_id", "", "customer", "nope",
                       api_name="/taxonomy_detect")
    with pytest.raises(AppError, match="give content_col"):
        client.predict(*files, "", "customer", "", "", "shop", "", api_name="/taxonomy_learn")
    with pytest.raises(AppError, match="upload the assignments"):
        client.predict(None, files[1], "video_id", "customer", "", "", "shop", "", api_name="/taxonomy_learn")
