"""A small client for the OpenAI-compatible `POST {base}/chat/completions` API, in JSON mode.

    client = ChatClient(LLMConfig(url="http://localhost:11434/v1", model="llama3.2"))
    reply = client.ask_json(system="Reply with one JSON object ...", user='{"texts": [...]}')
    reply.data        # the model's JSON object, parsed strictly
    reply.provenance  # host, model and time of the answer

Works with OpenAI, Azure OpenAI (`kind="azure"`: an `api-key` header and an `api-version` query), and the
OpenAI-compatible servers of Ollama, vLLM and llama.cpp. Every failure is a `ModelError` with a message a
person can act on: no answer in time, no connection, an HTTP error, a body too large, JSON that does not
parse, a refusal by the service's content filter. 429 and 5xx answers are retried a bounded number of times,
waiting what `Retry-After` asks when it is reasonable. Nothing sent or received is logged, nor the key.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from chorus.llm.config import LLMConfig

log = logging.getLogger("chorus.llm")

MAX_RESPONSE_BYTES = 1_000_000
MAX_RETRIES = 2
MAX_RETRY_WAIT_SECONDS = 30.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Error codes services use when their content filter refuses a prompt (Azure: content_filter).
CONTENT_FILTER_CODES = frozenset(
    {"content_filter", "content_policy_violation", "ResponsibleAIPolicyViolation"}
)
_SAFE_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,60}$")


class ModelError(Exception):
    """The external model gave no usable answer; `str(error)` says why, for a person (never a resident's words
    or the key)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason  # timeout, connection, http, too-large, json, refusal, schema


@dataclass(frozen=True)
class Provenance:
    """Which model made an output, where and when."""

    host: str
    model: str
    made_at: datetime
    kind: str = "openai"

    def as_dict(self) -> dict[str, str]:
        return {
            "host": self.host,
            "model": self.model,
            "made_at": self.made_at.isoformat(),
            "kind": self.kind,
        }

    def describe(self) -> str:
        return f"{self.model or 'the model'} at {self.host}, {self.made_at:%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True)
class ChatReply:
    data: dict[str, Any]
    provenance: Provenance
    seconds: float


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def strict_json(text: str | bytes) -> Any:
    """Standard JSON only: no NaN or Infinity, no repeated keys, nothing before or after the value."""
    return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks for (a number or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class ChatClient:
    def __init__(
        self,
        config: LLMConfig,
        *,
        max_retries: int = MAX_RETRIES,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        max_retry_wait: float = MAX_RETRY_WAIT_SECONDS,
    ) -> None:
        self.config = config
        self.max_retries = max_retries
        self.max_response_bytes = max_response_bytes
        self.max_retry_wait = max_retry_wait

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.config.api_key:
            if self.config.kind == "azure":
                headers["api-key"] = self.config.api_key
            else:
                headers["Authorization"] = f"Bearer {self.config.api_key}"
        return headers

    def _params(self) -> dict[str, str]:
        return {"api-version": self.config.api_version} if self.config.kind == "azure" else {}

    def ask_json(self, system: str, user: str, *, max_tokens: int = 1000) -> ChatReply:
        """One chat completion in JSON mode; the answer's JSON object, or ModelError."""
        payload: dict[str, Any] = {
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "response_format": {"type": "json_object"},
            "temperature": 0,
            "max_tokens": max_tokens,
        }
        if self.config.model:
            payload["model"] = self.config.model
        started = time.monotonic()
        body = self._post(payload)
        seconds = time.monotonic() - started
        return self._reply(body, seconds)

    def _post(self, payload: dict[str, Any]) -> bytes:
        timeout = self.config.timeout
        host = self.config.host
        # Redirects are not followed: the text and the key go to the configured address only.
        with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False) as http:
            for attempt in range(self.max_retries + 1):
                started = time.monotonic()
                try:
                    with http.stream(
                        "POST",
                        self.config.endpoint,
                        params=self._params(),
                        headers=self._headers(),
                        json=payload,
                    ) as response:
                        status = response.status_code
                        if status in RETRY_STATUSES and attempt < self.max_retries:
                            wait = retry_after_seconds(response.headers.get("Retry-After"))
                            wait = 2.0**attempt if wait is None else wait
                            if wait <= self.max_retry_wait:
                                log.info(
                                    "external model at %s answered HTTP %s; trying again in %.1f s",
                                    host,
                                    status,
                                    wait,
                                    extra={"event": "llm.retry", "status": status},
                                )
                                response.close()
                                time.sleep(wait)
                                continue
                        body = self._read_capped(response, started + timeout)
                except httpx.TimeoutException:
                    raise ModelError(
                        f"The external model at {host} did not answer within {timeout:g} seconds.", "timeout"
                    ) from None
                except httpx.TransportError as error:
                    raise ModelError(
                        f"Could not reach the external model at {host} ({type(error).__name__}).",
                        "connection",
                    ) from None
                except (httpx.HTTPError, httpx.InvalidURL, UnicodeEncodeError) as error:
                    # e.g. a key with characters a header cannot carry: the message names the type only.
                    raise ModelError(
                        f"Could not ask the external model at {host} ({type(error).__name__}): check the "
                        "CHORUS_LLM_* settings.",
                        "connection",
                    ) from None
                duration_ms = round(1000 * (time.monotonic() - started))
                log.info(
                    "external model at %s answered HTTP %s",
                    host,
                    status,
                    extra={"event": "llm.answer", "status": status, "duration_ms": duration_ms},
                )
                if status != 200:
                    raise self._http_error(status, body)
                return body
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def _read_capped(self, response: httpx.Response, deadline: float) -> bytes:
        limit = self.max_response_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large()
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise self._too_large()
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("the answer took too long")
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self) -> ModelError:
        return ModelError(
            f"The external model at {self.config.host} sent an answer larger than "
            f"{self.max_response_bytes:,} bytes; it was not read.",
            "too-large",
        )

    def _http_error(self, status: int, body: bytes) -> ModelError:
        host = self.config.host
        code = ""
        try:
            error = strict_json(body).get("error")
            if isinstance(error, dict):
                code = str(error.get("code") or error.get("type") or "")
        except (ValueError, AttributeError):
            pass
        if code in CONTENT_FILTER_CODES:
            return ModelError(
                f"The external model at {host} refused the request (its content filter).", "refusal"
            )
        hint = {
            401: " Check CHORUS_LLM_API_KEY.",
            403: " Check CHORUS_LLM_API_KEY.",
            404: " Check CHORUS_LLM_URL and CHORUS_LLM_MODEL.",
            429: " It is busy: try again later.",
        }.get(status, "")
        shown_code = f", {code}" if _SAFE_CODE.match(code) else ""
        return ModelError(f"The external model at {host} answered HTTP {status}{shown_code}.{hint}", "http")

    def _reply(self, body: bytes, seconds: float) -> ChatReply:
        host = self.config.host
        try:
            answer = strict_json(body)
        except (ValueError, UnicodeDecodeError):
            raise ModelError(f"The external model at {host} sent a body that is not JSON.", "json") from None
        choices = answer.get("choices") if isinstance(answer, dict) else None
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise ModelError(f"The external model at {host} sent no answer (no choices).", "schema")
        choice = choices[0]
        message = choice.get("message") if isinstance(choice.get("message"), dict) else {}
        finish_reason = choice.get("finish_reason")
        if finish_reason == "content_filter" or message.get("refusal"):
            raise ModelError(
                f"The external model at {host} refused to answer (its content filter).", "refusal"
            )
        if finish_reason == "length":
            raise ModelError(f"The external model at {host} stopped before finishing its answer.", "schema")
        content = message.get("content")
        if not isinstance(content, str) or not content.strip():
            raise ModelError(f"The external model at {host} sent an empty answer.", "schema")
        try:
            data = strict_json(content)
        except ValueError:
            raise ModelError(f"The external model at {host} did not answer in JSON.", "json") from None
        if not isinstance(data, dict):
            raise ModelError(f"The external model at {host} did not answer with a JSON object.", "schema")
        reported = answer.get("model")
        model = reported if isinstance(reported, str) and reported.strip() else self.config.model
        provenance = Provenance(
            host=host, model=model[:200], made_at=datetime.now(UTC), kind=self.config.kind
        )
        return ChatReply(data=data, provenance=provenance, seconds=seconds)
