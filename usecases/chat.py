"""Open the chat: one ChatService per process (the CLI's `personas chat`, the app's Chat tab and /chat API,
the evaluation), configured by the chat and LLM sections of the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .settings import Settings

if TYPE_CHECKING:
    from chat.service import ChatService
    from retrieval.store import ChromaSetStore


def open_chat(settings: Settings, store: ChromaSetStore) -> ChatService:
    from chat.service import ChatService

    return ChatService(settings.chat, store, llm=settings.llm)
