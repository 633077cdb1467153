"""JSON log lines that carry ids and counts, never what residents said.

Request lines can carry free text in their query string (a search for a phrase, a filter), so the query
string is cut from every request log before it is written.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

QUERY_STRING = re.compile(r"\?[^\s\"']*")
# Extra fields a log call may attach; anything else given as `extra=` is dropped.
ALLOWED_EXTRA = {
    "event",
    "user_id",
    "programme",
    "contribution_id",
    "count",
    "duration_ms",
    "status",
    "task_id",
}


class DropRequestDetails(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(("django.server", "django.request")):
            record.msg = QUERY_STRING.sub("?[query removed]", str(record.msg))
            record.args = tuple(
                QUERY_STRING.sub("?[query removed]", a) if isinstance(a, str) else a
                for a in (record.args if isinstance(record.args, tuple) else ())
            )
            if hasattr(record, "request"):
                del record.request
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ALLOWED_EXTRA:
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
