"""Citation suggestions (`galcli cite`): keys, a LaTeX cite command, JSON, or a readable list."""

from __future__ import annotations

from galcli.render.core import Output, styled
from galcli.tasks.cite import CiteResult

VERDICT_STYLE = {"verified": "green", "mismatch": "yellow", "unchecked": "dim"}


def _report_rejections(out: Output, result: CiteResult) -> None:
    for rejected in result.rejected:
        out.warn(
            f"model proposal rejected ({rejected.verdict}): {rejected.proposal!r}: {rejected.reason}"
        )


def show_cite(out: Output, result: CiteResult, fmt: str, cite_command: str = "citep") -> None:
    _report_rejections(out, result)
    keys = [s.key for s in result.suggestions]
    if fmt == "json":
        out.write_json(result.to_dict())
    elif fmt == "keys":
        if keys:
            out.write("\n".join(keys))
    elif fmt == "latex":
        if keys:
            out.write(f"\\{cite_command}{{{','.join(keys)}}}")
    else:
        width = max((len(k) for k in keys), default=0)
        for suggestion in result.suggestions:
            style = VERDICT_STYLE.get(suggestion.verdict, "")
            detail = f" ({suggestion.year})" if suggestion.year else ""
            out.out.print(
                styled(
                    f"{suggestion.key:<{width}}  ",
                    (f"{suggestion.verdict:<9}", style),
                    f"  {suggestion.title}{detail}",
                )
            )
    if not keys:
        out.warn("no entry of the bibliography could be suggested for this text")
    elif result.model and fmt != "json":
        out.notice(
            f"galcli: ranked with {result.model}; every key is from your .bib, "
            "check that it supports the sentence"
        )


def show_cite_batch(out: Output, result: CiteResult, line: int) -> None:
    """One JSON line per input; rejections are in its "rejected" list (summed up at the end)."""
    out.write_json_line({"line": line, **result.to_dict()})


def show_batch_rejections(out: Output, count: int) -> None:
    if count:
        noun = "proposal was" if count == 1 else "proposals were"
        out.warn(
            f"{count} model {noun} left out because they matched no entry of the "
            'bibliography; see "rejected" in the JSON lines'
        )
