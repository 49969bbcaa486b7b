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
