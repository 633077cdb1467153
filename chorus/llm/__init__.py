"""The optional external model: an OpenAI-compatible chat-completions endpoint (Azure OpenAI, or a local
Ollama, vLLM or llama.cpp server), off unless CHORUS_LLM_URL is set. No Django here.

config.py   where the endpoint is (LLMConfig, from settings or the environment)
client.py   the HTTP client: JSON mode, timeouts, bounded retries, a size cap, provenance
uses.py     naming a group, summarising a theme with verbatim quotes, coding against a codebook: what is
            sent is redacted, what comes back is checked, and a failure keeps the local result
cli.py      `chorus llm check`
"""

from chorus.llm.client import ChatClient, ModelError, Provenance
from chorus.llm.config import ConfigError, LLMConfig
from chorus.llm.uses import (
    GroupName,
    ModelResult,
    Quote,
    ThemeSummary,
    appears_verbatim,
    check_endpoint,
    code_contributions,
    name_group,
    summarise_theme,
)

__all__ = [
    "ChatClient",
    "ConfigError",
    "GroupName",
    "LLMConfig",
    "ModelError",
    "ModelResult",
    "Provenance",
    "Quote",
    "ThemeSummary",
    "appears_verbatim",
    "check_endpoint",
    "code_contributions",
    "name_group",
    "summarise_theme",
]
