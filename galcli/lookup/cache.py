"""Answers of the look-up services on disk, by service and request, with the time they came.

One small JSON file per request under `<cache dir>/lookup/<service>/`, written atomically, so
parallel runs and a Ctrl-C never leave a half-written answer. Negative answers (404: no such
DOI, no such name) are cached too: they are answers, and a second run must not ask again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from galcli.fileio import atomic_write_text


@dataclass(frozen=True)
class CachedAnswer:
    status: int  # 200, or 404 for "the service knows no such thing"
    data: Any  # the parsed JSON body (None for a 404)
    fetched: float  # when the service answered (seconds since the epoch)


class AnswerCache:
    def __init__(self, root: Path, max_age_days: float) -> None:
        self.root = root
        self.max_age = max_age_days * 86400.0

    def _path(self, service: str, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.root / service / digest[:2] / f"{digest}.json"

    def get(self, service: str, key: str) -> CachedAnswer | None:
        """The stored answer, unless it is missing, unreadable or older than the maximum age."""
        try:
            record = json.loads(self._path(service, key).read_text(encoding="utf-8"))
            answer = CachedAnswer(int(record["status"]), record["data"], float(record["fetched"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if record.get("key") != key or time.time() - answer.fetched > self.max_age:
            return None
        return answer

    def put(self, service: str, key: str, answer: CachedAnswer) -> None:
        record = {
            "key": key,
            "status": answer.status,
            "fetched": answer.fetched,
            "data": answer.data,
        }
        # A cache that cannot be written (read-only home, full disk) costs requests, not the run.
        with contextlib.suppress(OSError):
            atomic_write_text(self._path(service, key), json.dumps(record, ensure_ascii=False))
