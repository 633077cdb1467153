"""The shapes of the field-data tools community researchers use: KoboToolbox and ODK Central.

- KoboToolbox REST Services post one submission per request as a flat JSON object whose keys are XML paths
  ("group_about_you/age"), with metadata such as `_uuid`, `meta/instanceID`, `_submission_time`,
  `_attachments` and `_geolocation`. The KPI data API wraps many of them in {"results": [...]}.
  Kobo's CSV/XLSX exports have one column per question (XML names or labels) and `_uuid`, `_id`,
  `_submission_time`... at the end.
- ODK Central's OData feed returns {"value": [...]} with nested objects per group, `__id` ("uuid:...") and
  `__system` metadata. Its submissions CSV uses "group-question" headings and `KEY` / `meta-instanceID`.

Everything is flattened to "group/question" keys with string values, and each record is keyed by its
instance id so that a resent or re-exported submission is recognised.
"""

from __future__ import annotations

import json
import re
from typing import Any

from chorus.ingest.readers import MAX_JSON_DEPTH, clean_text

# Most stable first: Kobo's rootUuid and ODK's __id / KEY survive edits, instanceID changes on each edit.
INSTANCE_ID_COLUMNS = (
    "meta/rootUuid",
    "__id",
    "KEY",
    "_uuid",
    "meta/instanceID",
    "meta-instanceID",
    "instanceID",
)

KOBO_MARKERS = {"_uuid", "_submission_time", "_id", "_validation_status", "_xform_id_string", "formhub/uuid"}
ODK_MARKERS = {
    "KEY",
    "SubmissionDate",
    "SubmitterID",
    "SubmitterName",
    "meta-instanceID",
    "__id",
    "ReviewState",
}

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def normalise_instance_id(value: str) -> str:
    """'uuid:2A11435F-...' -> '2a11435f-...'. Other ids (a spreadsheet's 'Comment ID') are only trimmed."""
    value = value.strip()
    if value[:5].lower() == "uuid:":
        value = value[5:].strip()
    if len(value) == 36 and _UUID.fullmatch(value):
        return value.lower()
    # ODK CSV keys for repeat rows look like "uuid:.../group[1]": keep the suffix, normalise the uuid part.
    head, slash, tail = value.partition("/")
    if slash and len(head) == 36 and _UUID.fullmatch(head):
        return f"{head.lower()}/{tail}"
    return value


def detect_source(headers: list[str]) -> str:
    """'kobo' or 'odk' when the headings carry that tool's metadata columns, else ''."""
    present = set(headers)
    if len(present & ODK_MARKERS) >= 2 or "__id" in present:
        return "odk"
    if len(present & KOBO_MARKERS) >= 2:
        return "kobo"
    return ""


def instance_id_column(headers: list[str]) -> str | None:
    present = set(headers)
    return next((column for column in INSTANCE_ID_COLUMNS if column in present), None)


def kobo_form_id(record: dict[str, Any]) -> str | None:
    """The Kobo form (asset) a submission belongs to. REST posts leave out unanswered questions, so their
    headings vary from post to post: key a saved mapping by this id rather than by shape."""
    value = record.get("_xform_id_string")
    return str(value) if value else None


def instance_id(record: dict[str, Any]) -> str | None:
    """The normalised instance id of a flat record, from the most stable id column present."""
    for column in INSTANCE_ID_COLUMNS:
        value = record.get(column)
        if value not in (None, ""):
            return normalise_instance_id(str(value))
    return None


# ---------------------------------------------------------------------------------------------- flattening


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value))


def check_depth(payload: Any) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH (flattening and re-encoding it would recurse)."""
    stack = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > MAX_JSON_DEPTH:
                    raise ValueError(
                        f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep; a submission's groups "
                        "are never that deep."
                    )
                stack.append((child, depth + 1))


def _is_geojson_point(value: dict) -> bool:
    return value.get("type") == "Point" and isinstance(value.get("coordinates"), list)


def _geopoint_text(value: dict) -> str:
    """ODK OData geopoints are GeoJSON ([lon, lat, alt]); write them as ODK's "lat lon alt accuracy"."""
    coordinates = list(value["coordinates"]) + [None, None, None]
    lon, lat, alt = coordinates[:3]
    accuracy = (value.get("properties") or {}).get("accuracy")
    return " ".join(_text(part) for part in (lat, lon, alt, accuracy) if part is not None)


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested groups -> "group/question" keys with string values.

    Lists of scalars (select-multiple, `_geolocation`) are joined with spaces; repeat groups and other
    lists of objects are kept as compact JSON in one cell; `_attachments` becomes the attachment file names;
    OData annotations ("...@odata.navigationLink") are dropped.
    """
    flat: dict[str, str] = {}
    for key, value in record.items():
        if "@odata" in key:
            continue
        path = clean_text(f"{prefix}{key}")
        if isinstance(value, dict):
            if _is_geojson_point(value):
                flat[path] = _geopoint_text(value)
            else:
                flat.update(flatten(value, prefix=f"{path}/"))
        elif isinstance(value, list):
            if key == "_attachments":
                names = [
                    clean_text(str(item.get("filename", ""))).rsplit("/", 1)[-1]
                    for item in value
                    if isinstance(item, dict)
                ]
                flat[path] = "; ".join(name for name in names if name)
            elif all(not isinstance(item, (dict, list)) for item in value):
                flat[path] = " ".join(_text(item) for item in value if item is not None)
            else:
                flat[path] = clean_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
        else:
            flat[path] = _text(value)
    return flat


# ---------------------------------------------------------------------------------------------- JSON payloads


def kobo_submission(payload: dict[str, Any]) -> dict[str, str]:
    """One KoboToolbox REST Services submission (JSON), flattened. Keys already carry group paths."""
    if not isinstance(payload, dict):
        raise ValueError("A KoboToolbox submission must be a JSON object.")
    return flatten(payload)


def odata_submissions(payload: dict[str, Any]) -> list[dict[str, str]]:
    """ODK Central OData `{"value": [...]}`, flattened; `__system` fields become "__system/reviewState"..."""
    values = payload.get("value") if isinstance(payload, dict) else None
    if not isinstance(values, list):
        raise ValueError('An ODK Central OData response must be an object with a "value" list.')
    return [flatten(entry) for entry in values if isinstance(entry, dict)]


def records_from_json(payload: Any) -> tuple[str, list[dict[str, str]]]:
    """Recognise a JSON payload and return (source, flat records).

    Accepts ODK OData {"value": [...]}, the Kobo data API {"results": [...]}, one Kobo REST submission
    {...}, or a plain list of objects.
    """
    check_depth(payload)
    if isinstance(payload, dict) and isinstance(payload.get("value"), list):
        return "odk", odata_submissions(payload)
    if isinstance(payload, dict) and isinstance(payload.get("results"), list):
        return "kobo", [kobo_submission(entry) for entry in payload["results"] if isinstance(entry, dict)]
    if isinstance(payload, dict):
        if not payload:
            raise ValueError("The JSON file holds an empty object: there are no submissions in it.")
        record = kobo_submission(payload)
        return detect_source(list(record)) or "kobo", [record]
    if isinstance(payload, list):
        records = [flatten(entry) for entry in payload if isinstance(entry, dict)]
        if len(records) != len(payload):
            raise ValueError("The JSON list must hold one object per submission.")
        if not records:
            raise ValueError("The JSON file holds an empty list: there are no submissions in it.")
        headers = {key for record in records for key in record}
        return detect_source(sorted(headers)), records
    raise ValueError("The JSON file does not hold submissions (expected an object or a list of objects).")
