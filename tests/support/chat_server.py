"""A real HTTP server on 127.0.0.1 (a random port) that speaks the OpenAI chat-completions protocol, for the
external-model tests. It plays a small model: its answers are worked out from what it is sent (key terms for a
name, words of the comments for quotes, theme names found in a comment for codes), and `script` makes the next
requests misbehave: non-verbatim quotes, bad JSON, a content-filter refusal, 429 then success, an answer
slower than the client's timeout, an oversize body. Everything it receives is kept in `received`."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

OVERSIZE_BYTES = 1_500_000


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    raw: str  # the body as sent
    body: dict[str, Any]

    @property
    def user_document(self) -> dict[str, Any]:
        return json.loads(self.body["messages"][-1]["content"])


def _words(text: str) -> list[str]:
    return text.split()


def good_answer(document: dict[str, Any], behaviour: str) -> dict[str, Any]:
    """What a cooperative model would answer to the user document Chorus sent."""
    if "key_terms" in document:  # naming a group
        terms = document["key_terms"] or ["these comments"]
        return {
            "name": f"Concerns about {terms[0]}",
            "description": f"Residents raise {', '.join(terms[:3])}.",
        }
    if "theme" in document:  # summarising a theme with quotes
        quotes = []
        for comment in document["comments"][:2]:
            words = _words(comment["text"])[:8]
            # Spacing differs from the comment: a checker that normalises whitespace accepts it.
            quote = (
                "  ".join(words) if behaviour != "not-verbatim" else "They told us " + " ".join(words).lower()
            )
            quotes.append({"id": comment["id"], "quote": quote})
        count = len(document["comments"])
        return {
            "summary": f"Residents describe {document['theme'].lower()} in {count} comments.",
            "quotes": quotes,
        }
    if "themes" in document:  # coding against a codebook
        codes = []
        for comment in document["comments"]:
            text = comment["text"].lower()
            chosen = [theme["id"] for theme in document["themes"] if theme["name"].lower() in text]
            if behaviour == "unknown-theme":
                chosen.append("made-up-theme")
            codes.append({"id": comment["id"], "themes": chosen})
        return {"codes": codes}
    return {"ok": True}  # the check


class ChatServer:
    def __init__(self, api_key: str | None = None, key_header: str = "authorization") -> None:
        self.api_key = api_key
        self.key_header = key_header
        self.script: list[str] = []  # behaviours of the next requests, in order; then "good"
        self.received: list[Received] = []
        self.answered_at: list[float] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                parts = urlsplit(self.path)
                received = Received(
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={name.lower(): value for name, value in self.headers.items()},
                    raw=raw,
                    body=json.loads(raw),
                )
                server.received.append(received)
                server.answered_at.append(time.monotonic())
                behaviour = server.script.pop(0) if server.script else "good"
                server.respond(self, received, behaviour)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.httpd.handle_error = lambda request, address: None  # a client that gave up closes its socket
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def start(self) -> ChatServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def respond(self, handler: BaseHTTPRequestHandler, received: Received, behaviour: str) -> None:
        if self.api_key is not None:
            sent = received.headers.get(self.key_header, "")
            expected = f"Bearer {self.api_key}" if self.key_header == "authorization" else self.api_key
            if sent != expected:
                return self.send(handler, 401, {"error": {"code": "invalid_api_key", "message": "bad key"}})
        if behaviour == "busy":
            return self.send(handler, 429, {"error": {"code": "rate_limit_exceeded"}}, {"Retry-After": "1"})
        if behaviour == "error-500":
            return self.send(handler, 500, {"error": {"code": "server_error"}})
        if behaviour == "filter-400":
            return self.send(handler, 400, {"error": {"code": "content_filter", "message": "filtered"}})
        if behaviour == "slow":
            time.sleep(3)
        if behaviour == "bad-body":
            return self.send_bytes(handler, 200, b"<html>Gateway says hello</html>")
        if behaviour == "oversize":
            return self.send_bytes(handler, 200, b"{" + b" " * OVERSIZE_BYTES + b"}")
        if behaviour == "oversize-unannounced":
            return self.send_bytes(handler, 200, b"{" + b" " * OVERSIZE_BYTES + b"}", announce=False)
        finish_reason = "stop"
        if behaviour == "bad-json":
            content: str | None = (
                'Sure! Here it is: {"name": "Pharmacy closures", description: missing quotes}'
            )
        elif behaviour == "wrong-shape":
            content = json.dumps({"title": "Pharmacy closures"})
        elif behaviour == "content-filter":
            content, finish_reason = None, "content_filter"
        else:
            content = json.dumps(good_answer(received.user_document, behaviour))
        self.send(
            handler,
            200,
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": received.body.get("model") or "azure-deployment-model",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": finish_reason,
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            },
        )

    def send(
        self, handler, status: int, document: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        self.send_bytes(handler, status, json.dumps(document).encode("utf-8"), headers=headers)

    def send_bytes(self, handler, status: int, body: bytes, headers=None, announce: bool = True) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            if announce:
                handler.send_header("Content-Length", str(len(body)))
            else:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            handler.wfile.write(body)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout, size cap): that is what the test checks
