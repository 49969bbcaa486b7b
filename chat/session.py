"""Per-conversation state: plain data, owned by whoever holds the conversation (a CLI loop, a gr.State)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .responders.base import Turn


@dataclass
class ChatSession:
    persona_id: str
    turns: list[Turn] = field(default_factory=list)

    def reset(self) -> None:
        self.turns.clear()

    def history(self, max_turns: int) -> list[Turn]:
        return self.turns[-max_turns:] if max_turns > 0 else []
