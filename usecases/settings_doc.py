"""docs/configuration.md from the settings' sections: every variable, its default and its description, so the
page cannot drift from the code (tests/test_settings.py compares them)."""

from __future__ import annotations

from typing import Any

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .settings import SECTIONS, env_name

OWNERS = {
    "generation": "personas/settings.py (GenerationSettings)",
    "store": "retrieval/settings.py (StoreSettings)",
    "embeddings": "retrieval/settings.py (EmbeddingSettings)",
    "chat": "chat/settings.py (ChatSettings)",
    "llm": "chat/settings.py (LLMSettings)",
    "app": "usecases/settings.py (AppSettings)",
}

HEADER = """# Configuration

One settings object per entry point (`usecases/settings.py`), built once by `personas`, `personas app` or a
test and passed down in sections: each layer owns its section and receives only that (the generation gets
`settings.generation`, the store `settings.store` and `settings.embeddings`, the chat `settings.chat` and
`settings.llm`, the app `settings.app`). Every field is set by an environment variable `PERSONAS_<NAME>`, read
in that one place; `OPENAI_API_KEY` is the fallback of `PERSONAS_LLM_API_KEY`. Command-line flags override the
environment (`--home`; the app's `--host`, `--port`, `--responder` ...). A value that does not validate stops
the command with one line naming the variable (exit status 2).

In Python: `Settings(home=..., responder="openai")` takes the same names in lower case, or whole sections
(`Settings(chat=ChatSettings(...))`); `settings.chat.responder`, `settings.llm.model`, `settings.home`.

This page is generated from the sections (`python -m usecases.settings_doc > docs/configuration.md`).
"""


def _default(info: FieldInfo) -> str:
    if info.default_factory is not None:
        value: Any = info.default_factory()  # type: ignore[call-arg]
    elif info.default is PydanticUndefined:
        return "required"
    else:
        value = info.default
    if value is None:
        return "unset"
    text = str(value)
    return "`~/.personas`" if text.endswith("/.personas") else f"`{text}`"


def render() -> str:
    out = [HEADER]
    for section, model in SECTIONS.items():
        out.append(f"## `settings.{section}`: {OWNERS[section]}\n")
        out.append("| variable | field | default | meaning |")
        out.append("|---|---|---|---|")
        for field, info in model.model_fields.items():
            meaning = " ".join((info.description or "").split()).replace("|", "\\|")
            out.append(f"| `{env_name(section, field)}` | `{field}` | {_default(info)} | {meaning} |")
        out.append("")
    out.append("[Back to the README](../README.md)")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render(), end="")
