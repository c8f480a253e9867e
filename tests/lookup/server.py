"""A real HTTP server on 127.0.0.1 standing in for Crossref, OpenAlex and PubChem.

One threaded server answers under three roots (/crossref, /openalex, /pubchem) in the services'
JSON shapes (tests/lookup/fixtures holds recorded-shape answers). Tests can script faults per
path (429 with Retry-After, 500, a slow answer, malformed JSON) and read every request it got.
"""

from __future__ import annotations

import copy
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


def crossref_message(
    doi: str,
    title: str,
    authors: list[tuple[str, str]],
    year: int,
    journal: str,
    short: str | None = None,
    *,
    volume: str | None = None,
    page: str | None = None,
) -> dict[str, Any]:
    """A Crossref work record shaped like tests/lookup/fixtures/crossref_work.json (without a
    volume and pages unless given)."""
    message = copy.deepcopy(fixture("crossref_work.json")["message"])
    for name, value in (("volume", volume), ("page", page)):
        if value is None:
            message.pop(name, None)
        else:
            message[name] = value
    message.update(
        {
            "DOI": doi,
            "URL": f"https://doi.org/{doi}",
            "title": [title],
            "author": [
                {"given": g, "family": f, "sequence": "first" if i == 0 else "additional"}
                for i, (g, f) in enumerate(authors)
            ],
            "issued": {"date-parts": [[year]]},
            "published-print": {"date-parts": [[year]]},
            "published-online": {"date-parts": [[year]]},
            "published": {"date-parts": [[year]]},
            "container-title": [journal],
            "short-container-title": [short] if short else [],
        }
    )
    return message


def openalex_record(message: dict[str, Any]) -> dict[str, Any]:
    """The OpenAlex view of a Crossref record (shape of fixtures/openalex_work.json)."""
    record = copy.deepcopy(fixture("openalex_work.json"))
    year = message["issued"]["date-parts"][0][0]
    record.update(
        {
            "doi": f"https://doi.org/{message['DOI'].lower()}",
            "title": message["title"][0],
            "display_name": message["title"][0],
            "publication_year": year,
            "authorships": [
                {
                    "author_position": "first" if i == 0 else "middle",
                    "author": {"display_name": f"{a.get('given', '')} {a['family']}".strip()},
                }
                for i, a in enumerate(message.get("author", []))
            ],
            "is_retracted": bool(message.get("updated-by")),
        }
    )
    record["primary_location"]["source"]["display_name"] = message["container-title"][0]
    first, _, last = message.get("page", "").partition("-")
    record["biblio"] = {
        "volume": message.get("volume"),
        "first_page": first or None,
        "last_page": last or first or None,
    }
    return record


def _words(text: str) -> set[str]:
    return {
        w for w in "".join(c.lower() if c.isalnum() else " " for c in text).split() if len(w) > 2
    }


class FakeServices:
    """The three services, with `crossref` records (and `openalex` extras) to answer from."""

    def __init__(self) -> None:
        self.crossref: dict[str, dict[str, Any]] = {}  # DOI (lower case) -> message
        self.openalex: dict[str, dict[str, Any]] = {}  # DOI (lower case) -> record
        self.pubchem: dict[str, dict[str, Any]] = {}  # name (lower case) -> property row
        self.scripts: dict[str, list[Reply]] = {}  # path -> replies to give first, in order
        self.seen: list[Seen] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- data --------------------------------------------------------------------------------

    def add_work(self, message: dict[str, Any], *, in_openalex: bool = True) -> None:
        self.crossref[message["DOI"].lower()] = message
        if in_openalex:
            self.openalex[message["DOI"].lower()] = openalex_record(message)

    def script(self, path: str, *replies: Reply) -> None:
        self.scripts.setdefault(path, []).extend(replies)

    # -- server ------------------------------------------------------------------------------

    def start(self) -> str:
        services = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                services._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def requests(self) -> int:
        return len(self.seen)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        split = urllib.parse.urlsplit(handler.path)
        path = urllib.parse.unquote(split.path)
        query = dict(urllib.parse.parse_qsl(split.query))
        with self._lock:
            self.seen.append(Seen(path, query, dict(handler.headers)))
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            scripted = self.scripts.get(path)
            reply = scripted.pop(0) if scripted else None
        try:
            reply = reply or self._answer(path, query)
            if reply.delay:
                time.sleep(reply.delay)
        finally:
            # counted out before the answer is sent: once the client has it, it may send the
            # next request at once, before this thread would get past the answer
            with self._lock:
                self.in_flight -= 1
        body = reply.body
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass

    def _answer(self, path: str, query: dict[str, str]) -> Reply:
        if path.startswith("/proxy/"):  # an intercepting proxy: 404, empty, for every URL
            return Reply(404, b"")
        if path.startswith("/crossref/works/"):
            message = self.crossref.get(path.removeprefix("/crossref/works/").lower())
            if message is None:
                return Reply(404, b"Resource not found.")
            return Reply(body={"status": "ok", "message-type": "work", "message": message})
        if path == "/crossref/works":
            terms = _words(query.get("query.bibliographic", ""))
            ranked = sorted(
                self.crossref.values(),
                key=lambda m: -len(terms & _words(m["title"][0])),
            )
            rows = int(query.get("rows", "20"))
            body = fixture("crossref_search.json")
            body["message"]["items"] = [m for m in ranked if terms & _words(m["title"][0])][:rows]
            return Reply(body=body)
        if path.startswith("/openalex/works/doi:"):
            record = self.openalex.get(path.removeprefix("/openalex/works/doi:").lower())
            if record is None:
                return Reply(404, {"error": "404 Not Found"})
            return Reply(body=record)
        if path == "/openalex/works":
            terms = _words(query.get("search", ""))
            ranked = sorted(self.openalex.values(), key=lambda r: -len(terms & _words(r["title"])))
            results = [r for r in ranked if terms & _words(r["title"])]
            per_page = int(query.get("per-page", "25"))
            return Reply(body={"meta": {"count": len(results)}, "results": results[:per_page]})
        prefix = "/pubchem/rest/pug/compound/name/"
        if path.startswith(prefix):
            name = path.removeprefix(prefix).split("/property/")[0].lower()
            row = self.pubchem.get(name)
            if row is None:
                return Reply(404, fixture("pubchem_not_found.json"))
            return Reply(body={"PropertyTable": {"Properties": [row]}})
        return Reply(400, {"error": f"no such endpoint {path}"})
