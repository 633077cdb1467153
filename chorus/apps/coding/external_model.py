"""The optional external model in the coding app (chorus.llm): names for emerging issues. Off unless
CHORUS_LLM_URL is set; when it fails, each issue keeps the name Chorus gave it locally."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:  # the pages import this module: scikit-learn and httpx load only when a run needs them
    from chorus.coding.emerging import EmergingCluster
    from chorus.llm import ChatClient

log = logging.getLogger("chorus.coding")


def configured_client() -> ChatClient | None:
    """A client for the endpoint the settings name, or None when none is (the default)."""
    from chorus.llm import ChatClient, LLMConfig
    from chorus.llm.config import SETTING_NAMES

    config = LLMConfig.from_mapping({name: getattr(settings, name, "") for name in SETTING_NAMES})
    return ChatClient(config) if config is not None else None


def name_clusters_with_external_model(
    clusters: Sequence[EmergingCluster], texts: Sequence[str]
) -> dict[str, Any]:
    """Ask the configured external model to name each emerging issue, renaming the clusters in place; a
    cluster keeps its local name when the model fails. Returns what the run's metrics record: per issue the
    name, the local name, the model's one-line description, who made it (provenance) or why the local name
    was kept. Nothing when no endpoint is configured."""
    from chorus.llm import GroupName, ModelResult, name_group
    from chorus.llm.uses import MAX_GROUP_TEXTS

    client = configured_client()
    if client is None or not clusters:
        return {}
    named = []
    for cluster in clusters:
        nearest_first = cluster.representatives + [
            i for i in cluster.members if i not in cluster.representatives
        ]
        local_name = cluster.name
        try:
            result = name_group(
                client,
                [texts[index] for index in nearest_first[:MAX_GROUP_TEXTS]],
                local=GroupName(local_name),
                key_terms=cluster.key_terms,
            )
        except Exception as error:  # an optional extra must never cost the run its local result
            message = (
                f"The external model could not be asked ({type(error).__name__}). The local name was kept."
            )
            result = ModelResult(value=GroupName(local_name), used_local=True, message=message)
        if result.used_local:
            log.warning(
                "emerging issue %s keeps its local name: %s",
                cluster.number,
                result.message,
                extra={"event": "coding.external_name_failed"},
            )
        else:
            cluster.name = result.value.name
        named.append(
            {
                "number": cluster.number,
                "name": cluster.name,
                "local_name": local_name,
                "description": "" if result.used_local else result.value.description,
                "used_local": result.used_local,
                "message": result.message,
                "provenance": result.provenance.as_dict() if result.provenance else None,
            }
        )
    return {"external_model": {"named": named}}


def external_names(clusters: Sequence[Any]) -> dict[int, dict[str, Any]]:
    """For the emerging-issues page: what the external model said about each stored cluster (by pk), from
    its run's metrics, with the time as a datetime; clusters it was not asked about are left out."""
    from .models import ModelRun

    runs = ModelRun.objects.filter(pk__in={cluster.run_id for cluster in clusters if cluster.run_id})
    metrics = dict(runs.values_list("pk", "metrics"))
    found: dict[int, dict[str, Any]] = {}
    for cluster in clusters:
        named = ((metrics.get(cluster.run_id) or {}).get("external_model") or {}).get("named") or []
        entry = next((dict(item) for item in named if item.get("number") == cluster.number), None)
        if entry is None:
            continue
        if entry.get("provenance"):
            entry["provenance"] = dict(
                entry["provenance"], made_at=datetime.fromisoformat(entry["provenance"]["made_at"])
            )
        found[cluster.pk] = entry
    return found
