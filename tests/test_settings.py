"""The settings in sections: every field has its PERSONAS_<NAME> variable, read in one place, and the
configuration page lists exactly what the code has."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HASH_EMBEDDINGS

from chat.settings import ChatSettings
from retrieval.embeddings import EmbeddingModelError, HashEmbeddings
from retrieval.factory import make_embeddings
from retrieval.settings import EmbeddingSettings
from usecases.settings import FLAT_NAMES, SECTIONS, Settings
from usecases.settings_doc import render

ROOT = Path(__file__).resolve().parents[1]


def test_the_configuration_page_is_the_settings() -> None:
    assert (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8") == render(), (
        "docs/configuration.md is out of date: python -m usecases.settings_doc > docs/configuration.md")


def test_every_field_has_one_environment_name() -> None:
    fields = sum(len(model.model_fields) for model in SECTIONS.values())
    assert len(FLAT_NAMES) == fields  # no two fields share a PERSONAS_ name


def test_environment_names_reach_their_sections(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in {"PERSONAS_HOME": str(tmp_path), "PERSONAS_K": "7", "PERSONAS_CHAT_FACTS": "5",
                        "PERSONAS_LLM_MODEL": "m", "PERSONAS_APP_PORT": "7001", "PERSONAS_K_AUTO_RANGE": "[3, 9]",
                        "PERSONAS_EMBEDDING_BATCH_SIZE": "8", "OPENAI_API_KEY": "sk-test"}.items():
        monkeypatch.setenv(name, value)
    s = Settings()
    assert (s.home, s.generation.k, s.generation.k_auto_range, s.chat.facts) == (tmp_path, 7, (3, 9), 5)
    assert (s.llm.model, s.llm.api_key, s.app.port, s.embeddings.batch_size) == ("m", "sk-test", 7001, 8)
    monkeypatch.setenv("PERSONAS_LLM_API_KEY", "own")
    assert Settings().llm.api_key == "own"  # the project's own variable wins over OPENAI_API_KEY
    # keyword arguments (flat names or sections) win over the environment
    assert Settings(k=3).generation.k == 3
    assert Settings(chat=ChatSettings(chat_facts=2)).chat.facts == 2


def test_an_embedding_factory_is_named_like_any_other_model() -> None:
    assert isinstance(make_embeddings(EmbeddingSettings(embedding_model=HASH_EMBEDDINGS)), HashEmbeddings)
    with pytest.raises(EmbeddingModelError, match="names no importable factory"):
        make_embeddings(EmbeddingSettings(model="no_such_module:Embeddings"))
