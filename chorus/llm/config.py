"""Where the optional external model is and how to reach it: read from settings or the environment.

The same five names serve both (CHORUS_LLM_URL, CHORUS_LLM_MODEL, CHORUS_LLM_API_KEY, CHORUS_LLM_TIMEOUT,
CHORUS_LLM_KIND, and CHORUS_LLM_API_VERSION for Azure), so `chorus llm check` and the web application read
one configuration. An empty CHORUS_LLM_URL means no external model: that is the default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

Kind = Literal["openai", "azure"]
KINDS: tuple[Kind, ...] = ("openai", "azure")
DEFAULT_TIMEOUT_SECONDS = 30.0
# Azure OpenAI's generally available chat-completions API version when this was written.
DEFAULT_AZURE_API_VERSION = "2024-10-21"
SETTING_NAMES = (
    "CHORUS_LLM_URL",
    "CHORUS_LLM_MODEL",
    "CHORUS_LLM_API_KEY",
    "CHORUS_LLM_TIMEOUT",
    "CHORUS_LLM_KIND",
    "CHORUS_LLM_API_VERSION",
)


class ConfigError(ValueError):
    """A setting that cannot work, with a message an administrator understands (never the key)."""


@dataclass(frozen=True)
class LLMConfig:
    """An OpenAI-compatible chat-completions endpoint.

    url: the base the API paths hang from: `https://api.openai.com/v1`, `http://localhost:11434/v1`
    (Ollama), `http://host:8000/v1` (vLLM), `http://host:8080/v1` (llama.cpp), or for Azure
    `https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT`. `/chat/completions` is added.
    """

    url: str
    model: str = ""
    api_key: str = field(default="", repr=False)  # never printed, logged or stored
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    kind: Kind = "openai"
    api_version: str = DEFAULT_AZURE_API_VERSION

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"CHORUS_LLM_URL must be an http(s) address, not {self.url!r}")
        if parts.username or parts.password:
            raise ConfigError("CHORUS_LLM_URL must not hold a user name or password: use CHORUS_LLM_API_KEY")
        if parts.query or parts.fragment:
            raise ConfigError(
                "CHORUS_LLM_URL must not have a query or fragment (Azure: use CHORUS_LLM_API_VERSION)"
            )
        if self.kind not in KINDS:
            raise ConfigError(f"CHORUS_LLM_KIND must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if not self.timeout > 0:
            raise ConfigError("CHORUS_LLM_TIMEOUT must be a number of seconds above 0")
        if self.kind == "openai" and not self.model:
            raise ConfigError("CHORUS_LLM_MODEL is needed: the model name the endpoint serves")

    @property
    def host(self) -> str:
        """The endpoint's host (and port, when one is given): what provenance records."""
        return urlsplit(self.url).netloc

    @property
    def endpoint(self) -> str:
        return self.url.rstrip("/") + "/chat/completions"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> LLMConfig | None:
        """The configuration from settings or os.environ; None when CHORUS_LLM_URL is empty (the default)."""
        url = str(values.get("CHORUS_LLM_URL") or "").strip()
        if not url:
            return None
        timeout_value = values.get("CHORUS_LLM_TIMEOUT")
        try:
            timeout = float(timeout_value) if timeout_value not in (None, "") else DEFAULT_TIMEOUT_SECONDS
        except (TypeError, ValueError):
            raise ConfigError(
                f"CHORUS_LLM_TIMEOUT must be a number of seconds, not {timeout_value!r}"
            ) from None
        return cls(
            url=url,
            model=str(values.get("CHORUS_LLM_MODEL") or "").strip(),
            api_key=str(values.get("CHORUS_LLM_API_KEY") or "").strip(),
            timeout=timeout,
            kind=str(values.get("CHORUS_LLM_KIND") or "openai").strip().lower(),  # type: ignore[arg-type]
            api_version=str(values.get("CHORUS_LLM_API_VERSION") or DEFAULT_AZURE_API_VERSION).strip(),
        )
