"""`galcli check --online` end to end, against the fake services on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Result
from tests.lookup.conftest import own_cache
from tests.lookup.server import FakeServices, Reply

EXPECTED = {
    "lecun2015deep": "verified",
    "hochreiter1997lstm": "verified",
    "fabricated2021quantum": "reference_not_found",
    "silver2017go": "reference_metadata_mismatch",
    "broken2020doi": "doi_malformed",
    "wakefield1998": "reference_retracted",
}


def references(result: Result) -> dict[str, dict[str, Any]]:
    document = result.json()
    assert isinstance(document, dict)
    return {r["key"]: r for r in document["references"]}


def test_each_entry_gets_its_verdict(
    cli: Callable[..., Result], services: FakeServices, paper: Path
) -> None:
    result = cli("check", str(paper), "--online", "--json")
    assert result.code == 1  # a fabricated reference and a malformed DOI are errors
    found = references(result)
    assert {key: r["verdict"] for key, r in found.items()} == EXPECTED

    silver = found["silver2017go"]
    assert silver["source"] == "crossref"
    assert silver["matched"]["doi"] == "10.1038/nature16961" and silver["matched"]["year"] == 2016
    assert silver["matched"]["authors"][0] == "David Silver"
    assert {d["field"]: d["source"] for d in silver["differences"]} == {
        "author": "Silver",
        "year": "2016",
    }
    assert found["wakefield1998"]["note"] == "retraction notice 10.1016/S0140-6736(10)60175-4"
    assert found["lecun2015deep"]["differences"] == []
    # Found by title (no DOI in the entry): the match names the DOI the entry could add.
    assert found["hochreiter1997lstm"]["matched"]["doi"] == "10.1162/neco.1997.9.8.1735"
    assert found["hochreiter1997lstm"]["matched_by"] == "title"
    assert silver["matched_by"] == "doi" and silver["matched"]["volume"] == "529"
    assert found["fabricated2021quantum"]["matched"] is None

    problems = {p["key"]: p for p in result.json()["problems"]}  # type: ignore[index]
    assert problems["fabricated2021quantum"]["severity"] == "error"
    assert problems["broken2020doi"]["severity"] == "error"
    assert problems["silver2017go"]["severity"] == "warning"
    assert problems["wakefield1998"]["severity"] == "warning"
    assert problems["silver2017go"]["line"] == 34
    assert problems["silver2017go"]["file"].endswith("references.bib")
    assert "lecun2015deep" not in problems


def test_text_output_says_what_differs(
    cli: Callable[..., Result], services: FakeServices, paper: Path
) -> None:
    result = cli("check", str(paper), "--online")
    lines = {line.split("[")[-1].rstrip("]"): line for line in result.stdout.splitlines()}
    mismatch = lines["reference_metadata_mismatch"]
    assert "references.bib:34: warning:" in mismatch
    assert "year: entry has '2017', Crossref has '2016'" in mismatch
    assert "first author: entry has 'Hassabis, Demis', Crossref has 'Silver'" in mismatch
    assert "10.1038/s42256-021-00999-x" in lines["reference_not_found"]
    assert "6 entries looked up" in result.stderr


def test_second_run_is_served_from_the_cache(
    cli: Callable[..., Result], services: FakeServices, paper: Path
) -> None:
    first = cli("check", str(paper), "--online", "--json")
    asked = services.requests
    assert asked > 0
    second = cli("check", str(paper), "--online", "--json")
    assert services.requests == asked  # zero requests the second time
    assert references(second) == {
        key: {**value, "age_seconds": references(second)[key]["age_seconds"]}
        for key, value in references(first).items()
    }
    assert second.json()["online"]["requests"] == 0  # type: ignore[index]
    assert second.json()["online"]["from_cache"] == asked  # type: ignore[index]


def test_polite_requests(
    cli: Callable[..., Result], services: FakeServices, paper: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GALCLI_MAILTO", "author@example.org")
    cli("check", str(paper), "--online", "--json")
    crossref = [s for s in services.seen if s.path.startswith("/crossref/")]
    assert crossref and all(s.query.get("mailto") == "author@example.org" for s in crossref)
    agents = {s.headers["User-Agent"] for s in services.seen}
    assert len(agents) == 1
    agent = agents.pop()
    assert agent.startswith("galcli/") and "mailto:author@example.org" in agent
    assert services.most_in_flight <= 4


def test_only_cited_entries_unless_unused(
    cli: Callable[..., Result], services: FakeServices, paper: Path
) -> None:
    paper.write_text(
        "\\documentclass{article}\\begin{document}\\cite{lecun2015deep}"
        "\\bibliography{references}\\end{document}\n",
        encoding="utf-8",
    )
    result = cli("check", str(paper), "--online", "--json")
    assert result.code == 0
    assert list(references(result)) == ["lecun2015deep"]
    everything = cli("check", str(paper), "--online", "--unused", "--json")
    assert set(references(everything)) == set(EXPECTED)


def test_a_bib_alone(
    cli: Callable[..., Result],
    services: FakeServices,
    paper: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # even in a directory with a paper of its own: --bib without MAIN.tex is the .bib alone
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "other.tex").write_text(
        "\\documentclass{article}\\begin{document}\\end{document}\n"
    )
    monkeypatch.chdir(elsewhere)
    result = cli("check", "--bib", str(paper.parent / "references.bib"), "--online", "--json")
    assert result.code == 1
    assert {k: r["verdict"] for k, r in references(result).items()} == EXPECTED


def test_metadata_mismatch_alone_is_a_warning_and_exit_0(
    cli: Callable[..., Result], services: FakeServices, paper: Path, tmp_path: Path
) -> None:
    bib = tmp_path / "one.bib"
    bib.write_text(
        "@article{go, author={Silver, David}, title={Mastering the game of Go with deep neural "
        "networks and tree search}, journal={Nature}, year={2017}}\n",
        encoding="utf-8",
    )
    tex = tmp_path / "one.tex"
    tex.write_text(
        "\\documentclass{article}\\begin{document}\\cite{go}\\bibliography{one}\\end{document}\n",
        encoding="utf-8",
    )
    result = cli("check", str(tex), "--online", "--json")
    assert result.code == 0, result.stderr
    go = references(result)["go"]
    assert go["verdict"] == "reference_metadata_mismatch"
    assert go["differences"] == [{"field": "year", "entry": "2017", "source": "2016"}]
    # The entry lacks a DOI: the message names the one the source has.
    strict = cli("check", str(tex), "--online", "--strict")
    assert strict.code == 1 and "DOI 10.1038/nature16961" in strict.stdout


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_network_one_warning_entries_unchecked(
    cli: Callable[..., Result], paper: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    dead = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("GALCLI_CROSSREF_URL", dead)
    monkeypatch.setenv("GALCLI_OPENALEX_URL", dead)
    monkeypatch.setenv("GALCLI_CACHE_DIR", str(own_cache(tmp_path / "cache")))
    result = cli("check", str(paper), "--online", "--json")
    verdicts = {k: r["verdict"] for k, r in references(result).items()}
    assert verdicts == {
        k: ("doi_malformed" if v == "doi_malformed" else "unchecked") for k, v in EXPECTED.items()
    }
    assert result.code == 1  # the malformed DOI needs no network; nothing else counts
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "cannot reach" in warnings[0] and "5 entries" in warnings[0]
    assert "Traceback" not in result.stderr

    paper.write_text(
        "\\documentclass{article}\\begin{document}\\cite{lecun2015deep}"
        "\\bibliography{references}\\end{document}\n",
        encoding="utf-8",
    )
    assert cli("check", str(paper), "--online").code == 0  # nothing checked, nothing found


def test_crossref_faults_fall_back_to_openalex(
    cli: Callable[..., Result], services: FakeServices, paper: Path
) -> None:
    services.script("/crossref/works/10.1038/nature14539", Reply(200, b"{not json"))
    services.script(
        "/crossref/works/10.1038/nature16961", *[Reply(500, headers={"Retry-After": "0"})] * 4
    )
    result = cli("check", str(paper), "--online", "--json")
    found = references(result)
    assert found["lecun2015deep"]["verdict"] == "verified"
    assert found["lecun2015deep"]["source"] == "openalex"
    assert found["silver2017go"]["verdict"] == "reference_metadata_mismatch"
    assert found["silver2017go"]["source"] == "openalex"


def test_a_slow_answer_past_the_timeout_leaves_the_entry_unchecked(
    cli: Callable[..., Result],
    services: FakeServices,
    paper: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GALCLI_ONLINE_TIMEOUT", "0.5")
    paper.write_text(
        "\\documentclass{article}\\begin{document}\\cite{lecun2015deep}"
        "\\bibliography{references}\\end{document}\n",
        encoding="utf-8",
    )
    for path in (
        "/crossref/works/10.1038/nature14539",
        "/openalex/works/doi:10.1038/nature14539",
        "/crossref/works",
        "/openalex/works",
    ):
        services.script(path, Reply(delay=2.0, body={}))
    result = cli("check", str(paper), "--online", "--json")
    assert result.code == 0
    lecun = references(result)["lecun2015deep"]
    assert lecun["verdict"] == "unchecked"
    assert "no answer within 0.5 s" in lecun["note"]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "1 entry left unchecked" in warnings[0]


def test_entries_without_doi(
    cli: Callable[..., Result],
    services: FakeServices,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bib = tmp_path / "more.bib"
    bib.write_text(
        "@misc{numpy_site, title={{NumPy} homepage}, author={{NumPy developers}}, year={2024}}\n"
        "@article{lecun_url, author={LeCun, Yann}, title={Deep learning}, journal={Nature},\n"
        "  year={2015}, url={http://dx.doi.org/10.1038/nature14539}}\n"
        "@article{made_up, author={Doe, Jane}, title={Sparse quantum folding of proteins},\n"
        "  journal={Nature}, year={2021}}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = cli("check", "--bib", str(bib), "--online", "--json")
    found = references(result)
    # A web page is rarely indexed: not finding it is no evidence that it does not exist.
    assert found["numpy_site"]["verdict"] == "unchecked"
    assert "check it by hand" in found["numpy_site"]["note"]
    # A doi.org URL is a DOI: looked up as one, without a search.
    assert found["lecun_url"]["verdict"] == "verified"
    assert any(s.path == "/crossref/works/10.1038/nature14539" for s in services.seen)
    assert found["made_up"]["verdict"] == "reference_not_found"
    assert result.code == 1


def test_cache_lives_under_the_user_cache_dir(
    cli: Callable[..., Result],
    services: FakeServices,
    paper: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.delenv("GALCLI_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    import sys

    if sys.platform != "linux":
        pytest.skip("XDG_CACHE_HOME is the cache directory on Linux only")
    cli("check", str(paper), "--online", "--json")
    answers = list((tmp_path / "xdg" / "galcli" / "lookup").rglob("*.json"))
    assert len(answers) == services.requests


def test_service_urls_and_mailto_from_the_config_file(
    cli: Callable[..., Result],
    services: FakeServices,
    paper: Path,
    monkeypatch: pytest.MonkeyPatch,
    galcli_home: Path,
) -> None:
    import os

    config = galcli_home / "config" / "galcli.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f'crossref_url = "{os.environ["GALCLI_CROSSREF_URL"]}"\n'
        f'openalex_url = "{os.environ["GALCLI_OPENALEX_URL"]}"\n'
        'mailto = "config@example.org"\n',
        encoding="utf-8",
    )
    monkeypatch.delenv("GALCLI_CROSSREF_URL")
    monkeypatch.delenv("GALCLI_OPENALEX_URL")
    result = cli("check", str(paper), "--online", "--json")
    assert references(result)["lecun2015deep"]["verdict"] == "verified"
    assert all("mailto:config@example.org" in s.headers["User-Agent"] for s in services.seen)


def test_bad_settings_are_usage_errors(
    cli: Callable[..., Result], paper: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GALCLI_MAILTO", "not an address")
    result = cli("check", str(paper), "--online")
    assert result.code == 2 and "GALCLI_MAILTO" in result.stderr
    monkeypatch.delenv("GALCLI_MAILTO")
    monkeypatch.setenv("GALCLI_CROSSREF_URL", "api.crossref.org")
    result = cli("check", str(paper), "--online")
    assert result.code == 2 and "GALCLI_CROSSREF_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bib_that_is_not_utf8_does_not_abort_the_online_check(
    cli: Callable[..., Result], services: FakeServices, tmp_path: Path
) -> None:
    good = tmp_path / "good.bib"
    good.write_text(
        "@article{lecun, author={LeCun, Yann}, title={Deep learning}, journal={Nature},"
        " year={2015}, doi={10.1038/nature14539}}\n",
        encoding="utf-8",
    )
    latin = tmp_path / "latin.bib"
    latin.write_bytes("@misc{x, title={Caf\xe9}}\n".encode("latin-1"))
    tex = tmp_path / "p.tex"
    tex.write_text(
        "\\documentclass{article}\\begin{document}\\cite{lecun,x}\\bibliography{good,latin}"
        "\\end{document}\n",
        encoding="utf-8",
    )
    result = cli("check", str(tex), "--online", "--json")
    found = references(result)
    assert found["lecun"]["verdict"] == "verified" and "x" in found
    # read as Latin-1 (its title looked up as "Café"), the encoding reported as its problem
    assert "bib_encoding" in {p["kind"] for p in result.json()["problems"]}


def test_a_proxy_answering_404_to_everything_is_not_evidence(
    cli: Callable[..., Result], services: FakeServices, paper: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by hand: behind an intercepting proxy every URL answered 404 with an empty body,
    and every reference came out `reference_not_found` (and was cached so for 30 days)."""
    import os

    root = os.environ["GALCLI_CROSSREF_URL"].removesuffix("/crossref")
    monkeypatch.setenv("GALCLI_CROSSREF_URL", f"{root}/proxy/crossref")
    monkeypatch.setenv("GALCLI_OPENALEX_URL", f"{root}/proxy/openalex")
    result = cli("check", str(paper), "--online", "--json")
    verdicts = {k: r["verdict"] for k, r in references(result).items()}
    assert verdicts == {
        k: ("doi_malformed" if v == "doi_malformed" else "unchecked") for k, v in EXPECTED.items()
    }
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "is a proxy in the way?" in warnings[0]
    assert services.requests <= 2 * 4  # a service is given up on after its first odd 404
    # Nothing was cached: with the right URLs, the next run gets real answers.
    monkeypatch.setenv("GALCLI_CROSSREF_URL", f"{root}/crossref")
    monkeypatch.setenv("GALCLI_OPENALEX_URL", f"{root}/openalex")
    again = cli("check", str(paper), "--online", "--json")
    assert {k: r["verdict"] for k, r in references(again).items()} == EXPECTED


def test_a_real_doi_on_another_work(
    cli: Callable[..., Result],
    services: FakeServices,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An invented reference often borrows a real DOI: the DOI resolves, to another work."""
    bib = tmp_path / "borrowed.bib"
    bib.write_text(
        "@article{invented, author={Smith, John}, title={Neural scaling laws for protein folding},"
        " journal={Nature}, year={2015}, doi={10.1038/nature14539}}\n"
        "@article{wrong_doi, author={Hochreiter, Sepp}, title={Long Short-Term Memory},"
        " journal={Neural Computation}, year={1997}, doi={10.1038/nature14539}}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = cli("check", "--bib", str(bib), "--online", "--json")
    found = references(result)
    assert found["invented"]["verdict"] == "reference_not_found"
    assert (
        "DOI 10.1038/nature14539 is another work ('Deep learning', LeCun 2015)"
        in (found["invented"]["note"])
    )
    wrong = found["wrong_doi"]
    assert wrong["verdict"] == "reference_metadata_mismatch"
    assert wrong["differences"] == [
        {"field": "doi", "entry": "10.1038/nature14539", "source": "10.1162/neco.1997.9.8.1735"}
    ]
