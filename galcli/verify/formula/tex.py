"""The math of a .tex file: display environments and delimiters (and, on request, inline
math), each with its line and label; the rows of an align-like environment apart."""

from __future__ import annotations

import re
from dataclasses import dataclass

from galcli.latex.texlex import mask
from galcli.verify.formula.inventory import continues
from galcli.verify.formula.rows import split_rows
from galcli.verify.formula.source import label_of
from galcli.verify.formula.vocabulary import MATH_ENVIRONMENTS, MULTI_EQUATION


@dataclass(frozen=True)
class TexMath:
    source: str  # the math with its delimiters or environment
    line: int  # first line (1-based)
    end_line: int
    label: str | None
    display: bool
    start: int = 0  # offsets of the math in the file
    end: int = 0
    block_end: int = 0  # the end of its environment (a row of an align ends before)


_DISPLAY = re.compile(
    r"\\begin\{(?P<env>(?:" + "|".join(MATH_ENVIRONMENTS) + r")\*?)\}.*?\\end\{(?P=env)\}"
    r"|\\\[.*?\\\]|\$\$.*?\$\$",
    re.S,
)
_INLINE = re.compile(r"\\\(.*?\\\)|(?<![\\$])\$(?!\$)(?:[^$\\]|\\.)+?\$", re.S)


def math_in_tex(text: str, *, inline: bool = False) -> list[TexMath]:
    """Display math (and, with `inline`, inline math) of a .tex file, comments removed. Each row
    of an align/gather/eqnarray is its own formula, with its own line and label."""
    masked = mask(text)
    found: list[TexMath] = []
    taken: list[tuple[int, int]] = []
    for pattern, display in ((_DISPLAY, True), (_INLINE, False)) if inline else ((_DISPLAY, True),):
        for match in pattern.finditer(masked):
            if any(start <= match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            source = match.group(0)
            line = masked.count("\n", 0, match.start()) + 1
            environment = (match.groupdict().get("env") or "").rstrip("*")
            rows = (
                split_rows(source[source.index("}") + 1 : source.rindex("\\end")])
                if environment in MULTI_EQUATION
                else []
            )
            if len(rows) < 2:
                found.append(
                    TexMath(
                        source,
                        line,
                        line + source.count("\n"),
                        label_of(source),
                        display,
                        match.start(),
                        match.end(),
                        match.end(),
                    )
                )
                continue
            body_start = source.index("}") + 1
            for offset, row in _with_continuations(source[body_start:], rows):
                first = body_start + offset + len(row) - len(row.lstrip())
                row_line = line + source.count("\n", 0, first)
                wrapped = f"\\begin{{{match['env']}}}{row.strip()}\\end{{{match['env']}}}"
                found.append(
                    TexMath(
                        wrapped,
                        row_line,
                        row_line + row.strip().count("\n"),
                        label_of(row),
                        display,
                        match.start() + first,
                        match.start() + first + len(row.strip()),
                        match.end(),
                    )
                )
    return sorted(found, key=lambda m: m.line)


def _with_continuations(body: str, rows: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """`rows`, each row that only continues the one before (no relation: `&\\quad + d`) joined
    to it, so that a long right side broken over lines stays one formula."""
    joined: list[tuple[int, str]] = []
    for offset, row in rows:
        if joined and continues(row) and not continues(joined[-1][1]):
            start = joined[-1][0]
            joined[-1] = (start, body[start : offset + len(row)])
        else:
            joined.append((offset, row))
    return joined
