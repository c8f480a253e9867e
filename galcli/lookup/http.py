"""A polite JSON-over-HTTP client for the look-up services (stdlib urllib: nothing to import
until a command goes online).

Etiquette, as Crossref, OpenAlex and PubChem ask for it: a User-Agent naming galcli, its version
and the user's contact address; at most a few requests in flight; `Retry-After` and 429/5xx
answered with a bounded backoff that holds back every thread asking the same service; a timeout
per request. A service that cannot be reached at all is marked down after the first refused
connection (or a few timeouts in a row), so an offline machine fails fast instead of waiting out
every entry.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from galcli import __version__
from galcli.lookup.cache import AnswerCache, CachedAnswer

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
TIMEOUTS_BEFORE_DOWN = 3


class LookupFailed(Exception):
    """A service could not be asked, or gave no usable answer; the message says why."""


@dataclass(frozen=True)
class Answer:
    status: int  # 200, or 404 (the service knows no such thing)
    data: Any  # parsed JSON; None for a 404
    fetched: float  # when the service answered (seconds since the epoch)
    cached: bool  # served from the cache, without a request

    @property
    def age(self) -> float:
        """Seconds since the service gave this answer."""
        return max(0.0, time.time() - self.fetched)


@dataclass(frozen=True)
class LookupConfig:
    """Where the services are and how politely to ask them (from settings)."""

    crossref_url: str = "https://api.crossref.org"
    openalex_url: str = "https://api.openalex.org"
    pubchem_url: str = "https://pubchem.ncbi.nlm.nih.gov"
    mailto: str | None = None
    timeout: float = 10.0
    cache_dir: Path | None = None  # None: no cache
    max_age_days: float = 30.0
    max_in_flight: int = 4
    retries: int = 3  # extra tries after a 429/5xx
    max_backoff: float = 30.0  # longest single wait, whatever Retry-After says
    # answers from the cache only: what it lacks fails at once, without a request (an editor's
    # server shows what `check --online` found, and never waits on the network while typing)
    cache_only: bool = False

    @property
    def user_agent(self) -> str:
        contact = f"mailto:{self.mailto}" if self.mailto else "+https://github.com/galcli/galcli"
        return f"galcli/{__version__} ({contact})"


@dataclass
class _Service:
    not_before: float = 0.0  # monotonic time before which nobody asks this service again
    timeouts_in_a_row: int = 0
    down: str | None = None  # why the service is considered unreachable


@dataclass
class HttpClient:
    config: LookupConfig
    requests: int = 0  # requests actually sent (cache hits excluded)
    from_cache: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _services: dict[str, _Service] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(self.config.max_in_flight)
        self._cache = (
            AnswerCache(self.config.cache_dir, self.config.max_age_days)
            if self.config.cache_dir is not None
            else None
        )

    def down(self) -> dict[str, str]:
        """Services found unreachable in this run, with the reason."""
        with self._lock:
            return {name: s.down for name, s in self._services.items() if s.down}

    def get_json(
        self,
        service: str,
        url: str,
        params: Mapping[str, str] | None = None,
        *,
        polite_params: Mapping[str, str] | None = None,
        not_found: Callable[[bytes], bool] | None = None,
    ) -> Answer:
        """GET `url` with `params`; a 200 (parsed JSON) or 404 answer, cached or fresh.

        `polite_params` (mailto) are sent but are not part of the cache key. `not_found` tells
        the service's own "no such thing" (its 404 body) from a 404 of something else (a proxy or
        captive portal answering every URL, a wrong base URL); None: no 404 is expected, so any
        is a fault. Raises LookupFailed when the service is down, answers with another status,
        or with JSON that does not parse.
        """
        query = urllib.parse.urlencode(sorted((params or {}).items()))
        key = f"{url}?{query}" if query else url
        if self._cache is not None and (hit := self._cache.get(service, key)) is not None:
            with self._lock:
                self.from_cache += 1
            return Answer(hit.status, hit.data, hit.fetched, cached=True)
        if self.config.cache_only:
            raise LookupFailed(f"{service}: not in galcli's look-up cache (galcli check --online)")
        extra = urllib.parse.urlencode(sorted((polite_params or {}).items()))
        full = key + (("&" if query else "?") + extra if extra else "")
        status, body = self._fetch(service, full)
        if status == 404 and (not_found is None or not not_found(body)):
            host = urllib.parse.urlsplit(url).netloc
            reason = (
                f"{service} ({host}) answered 404 Not Found to {_short(url)}, not in the "
                "service's own words: is its URL setting right, or is a proxy in the way?"
            )
            with self._lock:
                state = self._services.setdefault(service, _Service())
                state.down = state.down or reason
            raise LookupFailed(reason)
        if status == 404:
            answer = Answer(404, None, time.time(), cached=False)
        else:
            try:
                data = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise LookupFailed(f"{service} answered with malformed JSON ({exc})") from exc
            answer = Answer(200, data, time.time(), cached=False)
        if self._cache is not None:
            self._cache.put(service, key, CachedAnswer(answer.status, answer.data, answer.fetched))
        return answer

    def _state(self, service: str) -> _Service:
        with self._lock:
            return self._services.setdefault(service, _Service())

    def _fetch(self, service: str, url: str) -> tuple[int, bytes]:
        import http.client
        import urllib.error
        import urllib.request

        state = self._state(service)
        last = ""
        for attempt in range(self.config.retries + 1):
            self._wait_turn(state, service)
            request = urllib.request.Request(
                url, headers={"User-Agent": self.config.user_agent, "Accept": "application/json"}
            )
            headers: Any = {}
            with self._slots:
                with self._lock:
                    self.requests += 1
                try:
                    with urllib.request.urlopen(request, timeout=self.config.timeout) as response:
                        status, body = response.status, response.read()
                except urllib.error.HTTPError as exc:
                    status, headers = exc.code, exc.headers or {}
                    try:
                        body = exc.read(65536) or b""
                    except (OSError, http.client.HTTPException):
                        body = b""
                except (TimeoutError, OSError) as exc:
                    raise self._unreachable(state, service, url, exc) from exc
                except (http.client.HTTPException, ValueError) as exc:
                    raise LookupFailed(f"{service} sent a broken answer: {exc!r}") from exc
            with self._lock:
                state.timeouts_in_a_row = 0
            if status in (200, 404):
                return status, body
            if status not in RETRY_STATUSES:
                raise LookupFailed(f"{service} answered HTTP {status} for {_short(url)}")
            last = f"HTTP {status}"
            if attempt < self.config.retries:
                delay = _retry_after(headers.get("Retry-After"))
                if delay is None:
                    delay = 2.0**attempt  # 1, 2, 4 s
                with self._lock:
                    state.not_before = max(
                        state.not_before, time.monotonic() + min(delay, self.config.max_backoff)
                    )
        raise LookupFailed(
            f"{service} kept answering {last} ({self.config.retries + 1} tries); try again later"
        )

    def _wait_turn(self, state: _Service, service: str) -> None:
        while True:
            with self._lock:
                if state.down:
                    raise LookupFailed(state.down)
                wait = state.not_before - time.monotonic()
            if wait <= 0:
                return
            time.sleep(min(wait, 1.0))

    def _unreachable(
        self, state: _Service, service: str, url: str, exc: BaseException
    ) -> Exception:
        import urllib.error

        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        host = urllib.parse.urlsplit(url).netloc or url
        timed_out = isinstance(reason, TimeoutError) or "timed out" in str(reason)
        with self._lock:
            if timed_out:
                state.timeouts_in_a_row += 1
                message = f"{service} ({host}) gave no answer within {self.config.timeout:g} s"
                if state.timeouts_in_a_row >= TIMEOUTS_BEFORE_DOWN and not state.down:
                    state.down = f"{message}, {TIMEOUTS_BEFORE_DOWN} times in a row"
                return LookupFailed(message)
            detail = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
            message = f"cannot reach {service} ({host}): {detail}"
            state.down = state.down or message
            return LookupFailed(message)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (a number of seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _short(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path or url
