"""Real HTTP servers on 127.0.0.1 that speak the OpenAI chat-completions API and Ollama's chat API, with
scripted replies, for tests that go through the real clients (ChatOpenAI, ChatOllama, the openai SDK).

Fixtures (imported into conftest.py, so every test can ask for them): ``openai_server``, ``ollama_server``.
Each test gets a fresh server on a free port, shut down after the test.

    def test_something(openai_server):
        openai_server.script(["first reply [1]", "second reply"])   # replies in order; the last one repeats
        openai_server.script(lambda messages: "echo: " + messages[-1]["content"])  # or a function
        settings = Settings(responder="openai", llm_base_url=openai_server.base_url, llm_model="scripted")
        ...
        request = openai_server.requests[-1]      # what the client sent
        request.body, request.messages, request.stream, request.path
        openai_server.fail("500")     # HTTP 500 with an error body, until fail(None)
        openai_server.fail("hang")    # wait `hang_seconds` (default 5 s) before answering: beyond a short timeout
        openai_server.fail("garbage") # 200 with a body that is not the API's format
        openai_server.fail("down")    # close the port: connections are refused

``base_url`` is what the client is configured with: ``http://127.0.0.1:PORT/v1`` for OpenAI,
``http://127.0.0.1:PORT`` for Ollama. Streaming replies are sent word by word (each word with its leading
space is one chunk): OpenAI as server-sent events (``data: {chunk}`` ... ``data: [DONE]``), Ollama as
NDJSON lines ending with ``"done": true``. Non-streaming requests get one JSON object. Failures apply to the
chat endpoints only; ``GET /v1/models``, ``/api/tags`` and ``/api/version`` always answer.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Script = list[str] | Callable[[list[dict[str, Any]]], str]
FAILURES = ("500", "hang", "garbage", "down")


@dataclass
class RecordedRequest:
    method: str
    path: str
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream", False))

    def text(self) -> str:
        """Every message's content, joined: to assert that the prompt held something."""
        return "\n".join(str(m.get("content", "")) for m in self.messages)


def words(reply: str) -> list[str]:
    """The chunks a streamed reply is sent in: each word with the spaces before it."""
    return re.findall(r"\s*\S+", reply) or [reply]


class ScriptedServer:
    """The part both APIs share: the script, the record of requests, failure modes, the thread."""

    api = "base"
    model = "scripted"

    def __init__(self, hang_seconds: float = 5.0) -> None:
        self.hang_seconds = hang_seconds
        self.requests: list[RecordedRequest] = []
        self._script: Script = ["Hello, I am a scripted reply [1]."]
        self._served = 0
        self._failure: str | None = None
        self._release = threading.Event()
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"owner": self})
        self.httpd = _QuietServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name=f"{self.api}-server", daemon=True)
        self._thread.start()
        self._down = False

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root

    @property
    def last(self) -> RecordedRequest:
        chats = [r for r in self.requests if r.method == "POST"]
        assert chats, "the server received no chat request"
        return chats[-1]

    def script(self, replies: Script) -> None:
        with self._lock:
            self._script = replies if callable(replies) else list(replies)
            self._served = 0

    def fail(self, mode: str | None) -> None:
        if mode is not None and mode not in FAILURES:
            raise ValueError(f"unknown failure {mode!r}: one of {FAILURES}")
        self._failure = mode
        if mode == "down":
            self.close()

    @property
    def failure(self) -> str | None:
        return self._failure

    def reply_for(self, messages: list[dict[str, Any]]) -> str:
        with self._lock:
            if callable(self._script):
                return self._script(messages)
            replies = self._script or [""]
            reply = replies[min(self._served, len(replies) - 1)]
            self._served += 1
            return reply

    def hang(self) -> None:
        self._release.wait(self.hang_seconds)

    def close(self) -> None:
        if not self._down:
            self._down = True
            self._release.set()
            self.httpd.shutdown()
            self.httpd.server_close()
            self._thread.join(timeout=5)

    # --- what each API fills in ---
    def get(self, path: str) -> tuple[int, dict[str, Any]] | None:
        raise NotImplementedError

    def chat_json(self, reply: str, body: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def chat_stream(self, reply: str, body: dict[str, Any]) -> Iterator[bytes]:
        raise NotImplementedError

    stream_type = "text/event-stream"
    garbage_stream = b"data: {this is not json\n\n"


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True  # a hanging handler must not hold up shutdown

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (timeout tests) breaks the pipe; that is expected, not news


class _Handler(BaseHTTPRequestHandler):
    owner: ScriptedServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _send(self, status: int, payload: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:  # http.server's naming
        self.owner.requests.append(RecordedRequest("GET", self.path))
        found = self.owner.get(self.path.split("?")[0])
        if found is None:
            self._send(404, b'{"error": "not found"}')
        else:
            self._send(found[0], json.dumps(found[1]).encode())

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        record = RecordedRequest("POST", self.path, body)
        self.owner.requests.append(record)
        server = self.owner
        failure = server.failure
        if failure == "hang":
            server.hang()
        if failure == "500":
            self._send(500, json.dumps({"error": {"message": "scripted internal server error", "type": "server_error",
                                                  "code": 500}}).encode())
            return
        if failure == "garbage":
            if record.stream:
                self._send(200, server.garbage_stream, server.stream_type)
            else:
                self._send(200, b"<html>this is not JSON</html>")
            return
        reply = server.reply_for(record.messages)
        if not record.stream:
            self._send(200, json.dumps(server.chat_json(reply, body)).encode())
            return
        # Streamed without Content-Length: the connection closes after the last chunk.
        self.send_response(200)
        self.send_header("Content-Type", server.stream_type)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        for piece in server.chat_stream(reply, body):
            self.wfile.write(piece)
            self.wfile.flush()


class OpenAIServer(ScriptedServer):
    """POST /v1/chat/completions (JSON or SSE), GET /v1/models."""

    api = "openai"

    @property
    def base_url(self) -> str:
        return f"{self.root}/v1"

    def get(self, path: str) -> tuple[int, dict[str, Any]] | None:
        if path.rstrip("/") == "/v1/models":
            return 200, {"object": "list", "data": [{"id": self.model, "object": "model", "created": 0,
                                                     "owned_by": "tests"}]}
        return None

    def _base(self, body: dict[str, Any], kind: str) -> dict[str, Any]:
        return {"id": "chatcmpl-scripted", "object": kind, "created": int(time.time()),
                "model": body.get("model", self.model)}

    def chat_json(self, reply: str, body: dict[str, Any]) -> dict[str, Any]:
        n_in = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
        return {**self._base(body, "chat.completion"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply},
                             "finish_reason": "stop", "logprobs": None}],
                "usage": {"prompt_tokens": n_in, "completion_tokens": len(words(reply)),
                          "total_tokens": n_in + len(words(reply))}}

    def chat_stream(self, reply: str, body: dict[str, Any]) -> Iterator[bytes]:
        def event(choices: list[dict[str, Any]], **extra: Any) -> bytes:
            chunk = {**self._base(body, "chat.completion.chunk"), "choices": choices, **extra}
            return f"data: {json.dumps(chunk)}\n\n".encode()

        yield event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
        for piece in words(reply):
            yield event([{"index": 0, "delta": {"content": piece}, "finish_reason": None}])
        yield event([{"index": 0, "delta": {}, "finish_reason": "stop"}])
        if (body.get("stream_options") or {}).get("include_usage"):
            yield event([], usage={"prompt_tokens": 1, "completion_tokens": len(words(reply)),
                                   "total_tokens": 1 + len(words(reply))})
        yield b"data: [DONE]\n\n"


class OllamaServer(ScriptedServer):
    """POST /api/chat (NDJSON stream or JSON), GET /api/tags, /api/version."""

    api = "ollama"
    stream_type = "application/x-ndjson"
    garbage_stream = b"this is not json\n"

    def get(self, path: str) -> tuple[int, dict[str, Any]] | None:
        if path == "/api/version":
            return 200, {"version": "0.6.0"}
        if path == "/api/tags":
            return 200, {"models": [{"name": self.model, "model": self.model, "modified_at": "2025-01-01T00:00:00Z",
                                     "size": 1, "digest": "0" * 64, "details": {"format": "gguf"}}]}
        return None

    def _line(self, body: dict[str, Any], content: str, done: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"model": body.get("model", self.model), "created_at": "2025-01-01T00:00:00Z",
                               "message": {"role": "assistant", "content": content}, "done": done}
        if done:
            out.update(done_reason="stop", total_duration=1, load_duration=1, prompt_eval_count=1,
                       prompt_eval_duration=1, eval_count=1, eval_duration=1)
        return out

    def chat_json(self, reply: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._line(body, reply, True)

    def chat_stream(self, reply: str, body: dict[str, Any]) -> Iterator[bytes]:
        for piece in words(reply):
            yield (json.dumps(self._line(body, piece, False)) + "\n").encode()
        yield (json.dumps(self._line(body, "", True)) + "\n").encode()


@pytest.fixture
def openai_server() -> Iterator[OpenAIServer]:
    server = OpenAIServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def ollama_server() -> Iterator[OllamaServer]:
    server = OllamaServer()
    try:
        yield server
    finally:
        server.close()
