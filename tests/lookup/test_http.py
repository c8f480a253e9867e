"""The polite HTTP client: retries, Retry-After, timeouts, malformed answers, the cache."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from pathlib import Path

import pytest

from galcli.lookup.crossref import crossref_not_found
from galcli.lookup.http import HttpClient, LookupConfig, LookupFailed, _retry_after
from tests.lookup.server import FakeServices, Reply

PATH = "/crossref/works/10.1038/nature14539"


def client(services: FakeServices, tmp_path: Path, **overrides: object) -> HttpClient:
    """A client for the running fake services (the `services` fixture sets the URL)."""
    config = LookupConfig(
        crossref_url=os.environ["GALCLI_CROSSREF_URL"],
        **{"cache_dir": tmp_path / "cache", "timeout": 2.0, **overrides},  # type: ignore[arg-type]
    )
    return HttpClient(config)


def url(http: HttpClient) -> str:
    return f"{http.config.crossref_url}/works/10.1038/nature14539"


def test_429_waits_for_retry_after(services: FakeServices, tmp_path: Path) -> None:
    http = client(services, tmp_path)
    services.script(PATH, Reply(429, {"message": "slow down"}, headers={"Retry-After": "1"}))
    started = time.monotonic()
    answer = http.get_json("crossref", url(http))
    assert time.monotonic() - started >= 1.0
    assert answer.status == 200 and answer.data["message"]["DOI"] == "10.1038/nature14539"
    assert http.requests == 2 and services.requests == 2


def test_5xx_is_retried_a_bounded_number_of_times(services: FakeServices, tmp_path: Path) -> None:
    http = client(services, tmp_path, retries=2)
    services.script(PATH, *[Reply(503, headers={"Retry-After": "0"})] * 5)
    started = time.monotonic()
    with pytest.raises(LookupFailed, match=r"HTTP 503 \(3 tries\)"):
        http.get_json("crossref", url(http))
    assert services.requests == 3
    assert time.monotonic() - started < 0.9  # Retry-After: 0 means now, not the default backoff


def test_backoff_without_retry_after(services: FakeServices, tmp_path: Path) -> None:
    http = client(services, tmp_path)
    services.script(PATH, Reply(500))
    started = time.monotonic()
    assert http.get_json("crossref", url(http)).status == 200
    assert time.monotonic() - started >= 1.0  # the first backoff step
    assert services.requests == 2


def test_other_client_errors_fail_at_once(services: FakeServices, tmp_path: Path) -> None:
    http = client(services, tmp_path)
    services.script(PATH, Reply(400, {"status": "failed"}))
    with pytest.raises(LookupFailed, match="HTTP 400"):
        http.get_json("crossref", url(http))
    assert services.requests == 1


def test_malformed_json_fails_and_is_not_cached(services: FakeServices, tmp_path: Path) -> None:
    http = client(services, tmp_path)
    services.script(PATH, Reply(200, b'{"status": "ok", "message": {'))
    with pytest.raises(LookupFailed, match="malformed JSON"):
        http.get_json("crossref", url(http))
    assert http.get_json("crossref", url(http)).status == 200  # asked again, not cached
    assert services.requests == 2


def test_slow_answer_past_the_timeout(services: FakeServices, tmp_path: Path) -> None:
    http = client(services, tmp_path, timeout=0.3)
    services.script(PATH, Reply(delay=1.5, body={}))
    started = time.monotonic()
    with pytest.raises(LookupFailed, match="no answer within 0.3 s"):
        http.get_json("crossref", url(http))
    assert time.monotonic() - started < 1.4
    assert not http.down()  # one slow answer does not make the service down


def test_answers_and_404s_are_cached_with_their_age(services: FakeServices, tmp_path: Path) -> None:
    http = client(services, tmp_path)
    missing = f"{http.config.crossref_url}/works/10.9999/nothing"
    first = http.get_json("crossref", url(http))
    gone = http.get_json("crossref", missing, not_found=crossref_not_found)
    assert not first.cached and gone.status == 404
    again = client(services, tmp_path)  # a new run
    cached, cached_gone = (
        again.get_json("crossref", url(again)),
        again.get_json("crossref", missing, not_found=crossref_not_found),
    )
    assert cached.cached and cached.data == first.data and cached.fetched == first.fetched
    assert cached_gone.cached and cached_gone.status == 404
    assert again.requests == 0 and services.requests == 2
    assert 0 <= cached.age < 60


def test_expired_answers_are_asked_again(services: FakeServices, tmp_path: Path) -> None:
    http = client(services, tmp_path, max_age_days=0)
    http.get_json("crossref", url(http))
    http.get_json("crossref", url(http))
    assert services.requests == 2


def test_polite_params_are_sent_but_not_part_of_the_cache_key(
    services: FakeServices, tmp_path: Path
) -> None:
    http = client(services, tmp_path, mailto="me@example.org")
    http.get_json("crossref", url(http), polite_params={"mailto": "me@example.org"})
    other = client(services, tmp_path)
    assert other.get_json("crossref", url(other)).cached
    assert services.seen[0].query == {"mailto": "me@example.org"}
    assert "mailto:me@example.org" in services.seen[0].headers["User-Agent"]


def test_at_most_four_requests_in_flight(services: FakeServices, tmp_path: Path) -> None:
    http = client(services, tmp_path)
    for n in range(12):
        services.script(f"/crossref/works/10.1/{n}", Reply(404, b"Resource not found.", delay=0.2))
    with ThreadPoolExecutor(max_workers=12) as pool:
        list(
            pool.map(
                lambda n: http.get_json(
                    "crossref",
                    f"{http.config.crossref_url}/works/10.1/{n}",
                    not_found=crossref_not_found,
                ),
                range(12),
            )
        )
    assert services.requests == 12 and services.most_in_flight == 4


def test_refused_connection_marks_the_service_down(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    http = HttpClient(LookupConfig(crossref_url=f"http://127.0.0.1:{port}", cache_dir=None))
    with pytest.raises(LookupFailed, match="cannot reach crossref"):
        http.get_json("crossref", f"http://127.0.0.1:{port}/works/10.1/x")
    with pytest.raises(LookupFailed, match="cannot reach crossref"):
        http.get_json("crossref", f"http://127.0.0.1:{port}/works/10.1/y")
    assert http.requests == 1  # the second call did not try the network again
    assert list(http.down()) == ["crossref"]


def test_retry_after_forms() -> None:
    assert _retry_after("3") == 3.0
    assert _retry_after("0") == 0.0
    assert _retry_after(None) is None and _retry_after("soon") is None
    later = _retry_after(formatdate(time.time() + 30, usegmt=True))
    assert later is not None and 25 <= later <= 31


def test_a_404_not_in_the_service_s_words_is_a_fault(
    services: FakeServices, tmp_path: Path
) -> None:
    http = client(services, tmp_path)
    services.script(PATH, Reply(404, b"<html>Access denied by proxy</html>"))
    with pytest.raises(LookupFailed, match="not in the service's own words"):
        http.get_json("crossref", url(http), not_found=crossref_not_found)
    assert "crossref" in http.down()
    assert not list((tmp_path / "cache").rglob("*.json"))  # nothing cached


def test_cache_only_answers_from_the_cache_and_never_asks(
    services: FakeServices, tmp_path: Path
) -> None:
    http = client(services, tmp_path)
    assert http.get_json("crossref", url(http)).status == 200
    assert services.requests == 1
    cached = client(services, tmp_path, cache_only=True)
    assert cached.get_json("crossref", url(cached)).cached
    with pytest.raises(LookupFailed, match="not in galcli's look-up cache"):
        cached.get_json("crossref", url(cached) + "x")
    assert services.requests == 1 and cached.requests == 0
