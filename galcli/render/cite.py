"""Citation suggestions (`galcli cite`): keys, a LaTeX cite command, JSON, or a readable list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from galcli.fileio import display_path
from galcli.render.core import Output, counted, styled

if TYPE_CHECKING:
    from galcli.tasks.cite import CiteResult
    from galcli.tasks.cite_tex import TexCiteResult

VERDICT_STYLE = {"verified": "green", "picked": "cyan", "mismatch": "yellow", "unchecked": "dim"}


def _report_rejections(out: Output, result: CiteResult) -> None:
    for rejected in result.rejected:
        out.warn(
            f"model proposal rejected ({rejected.verdict}): "
            f"{rejected.proposal!r}: {rejected.reason}"
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
                    f"  {' '.join(suggestion.title.split())}{detail}",
                )
            )
    if not keys:
        out.warn(
            "no entry fits: the best entries share almost nothing with this text"
            if result.below_floor
            else "no entry of the bibliography could be suggested for this text"
        )
    elif result.model and fmt != "json":
        out.notice(
            f"galcli: ranked with {result.model}; every key is from your .bib, "
            "check that it supports the sentence"
        )


def show_cite_batch(out: Output, result: CiteResult, line: int, identifier: object = None) -> None:
    """One JSON line per input (its "id" echoed when it had one); rejections are in its
    "rejected" list (summed up at the end)."""
    echoed = {"id": identifier} if identifier is not None else {}
    out.write_json_line({"line": line, **echoed, **result.to_dict()})


def show_batch_rejections(out: Output, count: int) -> None:
    if count:
        noun = "proposal was" if count == 1 else "proposals were"
        out.warn(
            f"{count} model {noun} left out because they matched no entry of the "
            'bibliography; see "rejected" in the JSON lines'
        )


def show_batch_problems(out: Output, problems: list[str]) -> None:
    for problem in problems:
        out.warn(problem)


def show_tex(out: Output, result: TexCiteResult, k: int, diff: bool) -> None:
    """One line per placeholder, gcc style (`file:line:column: \\citep{a,b}`), JSON Lines, or a
    unified diff; "no entry fits" and rejected model proposals go to stderr."""
    if not result.placeholders:
        out.warn(f"no citation placeholder in {result.main} (\\cite{{?}} or % TODO cite)")
        return
    if diff:
        patch = result.diff(k)
        if patch:
            out.write(patch.rstrip("\n"))
    for item in result.placeholders:
        p = item.placeholder
        where = f"{display_path(p.file)}:{p.line}:{p.column}"
        for rejected in item.result.rejected:
            out.warn(
                f"{where}: model proposal rejected ({rejected.verdict}): "
                f"{rejected.proposal!r}: {rejected.reason}"
            )
        keys = [s.key for s in item.result.suggestions]
        if out.json_mode:
            out.write_json_line(item.to_dict())
        elif not keys:
            out.warn(f"{where}: no entry fits: {p.context.sentence[:80]!r}")
        elif not diff:
            out.write(f"{where}: {p.command}{{{','.join([*p.kept, *keys])}}}")
    if result.unfilled:
        unfilled = counted(result.unfilled, "placeholder")
        out.warn(f"{unfilled} of {len(result.placeholders)} got no suggestion")
