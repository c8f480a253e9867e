"""`check --format sarif|github|gitlab`: the problems of `--json` in the forms CI services read.

- sarif: SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif): one rule per
  `problems.Kind` (its description, its severity as the default level), one result per problem
  with a location relative to the repository root (`%SRCROOT%`) and partial fingerprints;
- github: one workflow command per problem (`::error file=…,line=…,col=…,title=KIND::message`),
  escaped as @actions/core escapes them, so a plain `galcli check` step annotates a pull request;
- gitlab: a Code Quality report (a JSON array: description, check_name, fingerprint, severity,
  location.path, location.lines.begin) for `artifacts: reports: codequality`.

Each writes exactly the problems of `--json`, with the same files and lines (docs/checks.md).
"""

from __future__ import annotations

import hashlib
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from galcli import __version__
from galcli.problems import ERROR, NOTE, WARNING, Kind
from galcli.render.check import problem_message
from galcli.render.core import Output

if TYPE_CHECKING:
    from galcli.tasks.check import CheckResult
    from galcli.tasks.check_report import CIReport, Located

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/galcli/galcli"
HELP_URI = "https://github.com/galcli/galcli/blob/main/docs/checks.md"
SRCROOT = "%SRCROOT%"
GITHUB_LEVEL = {ERROR: "error", WARNING: "warning", NOTE: "notice"}
GITLAB_SEVERITY = {ERROR: "major", WARNING: "minor", NOTE: "info"}


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _short(description: str) -> str:
    """The description up to its first aside: "a cited key that no .bib file defines"."""
    for mark in (" (", ": ", "; "):
        description = description.split(mark)[0]
    return _sentence(description)


def _rule_name(kind: Kind) -> str:
    return "".join(part.capitalize() for part in kind.value.split("_"))


def sarif_rules() -> list[dict[str, Any]]:
    """One reporting descriptor per problem kind, generated from `problems.Kind`."""
    rules = []
    for kind in Kind:
        full = _sentence(kind.description)
        how = (
            f"To accept one, write `% galcli-ignore: {kind.value}` where it is reported: at the "
            "end of the LaTeX line, or on the line above the .bib entry; to accept them all, "
            f'`ignore = ["{kind.value}"]` in galcli.toml or [tool.galcli] of pyproject.toml.'
        )
        tags = ["citations", "online"] if kind.online else ["citations"]
        rules.append(
            {
                "id": kind.value,
                "name": _rule_name(kind),
                "shortDescription": {"text": _short(kind.description)},
                "fullDescription": {"text": full},
                "help": {"text": f"{full} {how}", "markdown": f"{full}\n\n{how}"},
                "helpUri": f"{HELP_URI}#what-it-finds",
                "defaultConfiguration": {"level": kind.severity.value},
                "properties": {"tags": tags},
            }
        )
    return rules


def _uri(located: Located) -> dict[str, str]:
    assert located.path is not None
    if located.inside:
        return {"uri": urllib.parse.quote(located.path), "uriBaseId": SRCROOT}
    return {"uri": Path(located.path).as_uri()}


def sarif_document(result: CheckResult, report: CIReport) -> dict[str, Any]:
    kinds = list(Kind)
    results = []
    for located in report.located:
        problem = located.problem
        entry: dict[str, Any] = {
            "ruleId": problem.kind.value,
            "ruleIndex": kinds.index(problem.kind),
            "level": problem.severity.value,
            "message": {"text": problem_message(problem)},
        }
        if located.path is not None:
            physical: dict[str, Any] = {"artifactLocation": _uri(located)}
            if problem.line is not None:
                region = {"startLine": problem.line}
                if problem.column is not None:
                    region["startColumn"] = problem.column
                physical["region"] = region
            entry["locations"] = [{"physicalLocation": physical}]
        entry["partialFingerprints"] = {
            "primaryLocationLineHash": f"{located.fingerprint[:16]}:{located.occurrence}",
            "galcli/v1": f"{located.fingerprint}:{located.occurrence}",
        }
        if problem.key is not None:
            entry["properties"] = {"key": problem.key}
        results.append(entry)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "galcli",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": sarif_rules(),
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": report.root.as_uri().rstrip("/") + "/"}},
        # galcli's columns count characters (code points), not UTF-16 units
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as @actions/core does (`%` first)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: the message escapes, and `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(located: Located) -> str:
    problem = located.problem
    properties = [
        ("file", located.path),
        ("line", problem.line),
        ("col", problem.column if problem.line is not None else None),
        ("title", problem.kind.value),
    ]
    written = ",".join(
        f"{name}={escape_property(str(value))}" for name, value in properties if value is not None
    )
    head = (
        f"{GITHUB_LEVEL[problem.severity]} {written}" if written else GITHUB_LEVEL[problem.severity]
    )
    return f"::{head}::{escape_data(problem_message(problem))}"


def gitlab_report(report: CIReport) -> list[dict[str, Any]]:
    # A Code Quality issue needs a path: a problem without a file gets the first one named.
    fallback_path = next((x.path for x in report.located if x.path is not None), ".")
    issues = []
    for located in report.located:
        problem = located.problem
        unique = f"{located.fingerprint}:{located.occurrence}"
        issues.append(
            {
                "type": "issue",
                "description": problem_message(problem),
                "check_name": problem.kind.value,
                "fingerprint": hashlib.sha256(unique.encode("ascii")).hexdigest()[:32],
                "severity": GITLAB_SEVERITY[problem.severity],
                "categories": ["Bug Risk"],
                "location": {
                    "path": located.path if located.path is not None else fallback_path,
                    "lines": {"begin": problem.line or 1},
                },
            }
        )
    return issues


def show_ci(out: Output, result: CheckResult, report: CIReport, fmt: str) -> None:
    """Write the problems in `fmt` (sarif, github or gitlab) to stdout."""
    from galcli.render.check import show_online_summary, summary_line

    if result.online is not None:
        show_online_summary(out, result.online)
    if fmt == "sarif":
        out.write_json(sarif_document(result, report))
    elif fmt == "gitlab":
        out.write_json(gitlab_report(report))
    else:
        for located in report.located:
            out.write(github_command(located))
        out.info(summary_line(result))
