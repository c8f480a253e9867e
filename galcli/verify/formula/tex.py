"""The math of a .tex file: display environments and delimiters (and, on request, inline
math), each with its line and label; the rows of an align-like environment apart."""

from __future__ import annotations

import re
from dataclasses import dataclass

from galcli.latex.structure import blank
from galcli.latex.texlex import group, mask, skip_space
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


# A display: an environment of MATH_ENVIRONMENTS, \[…\] or $$…$$ (also used by
# verify/formula/definitions.py and choice.py)
DISPLAY = re.compile(
    r"\\begin\{(?P<env>(?:" + "|".join(MATH_ENVIRONMENTS) + r")\*?)\}.*?\\end\{(?P=env)\}"
    r"|\\\[.*?\\\]|\$\$(?:[^$]|\\\$)*?\$\$",
    re.S,
)
_INLINE = re.compile(r"\\\(.*?\\\)|(?<!\\)\$(?!\$)(?:[^$\\]|\\.)+?\$", re.S)


def math_in_tex(
    text: str, *, inline: bool = False, arguments: dict[str, int] | None = None
) -> list[TexMath]:
    """Display math (and, with `inline`, inline math) of a .tex file, comments removed. Each row
    of an align/gather/eqnarray is its own formula, with its own line and label. `arguments`:
    the math environments the document redefines with arguments (`environment_arguments`; by
    default those of `text` itself), which are no part of the formula."""
    masked = mask(text)
    masked = _without_arguments(
        masked, environment_arguments(masked, masked=True) | (arguments or {})
    )
    found: list[TexMath] = []
    taken: list[tuple[int, int]] = []
    for pattern, display in ((DISPLAY, True), (_INLINE, False)) if inline else ((DISPLAY, True),):
        # inline math between the displays only: "$$x$$ and $a$" holds one inline formula
        for match in pattern.finditer(masked if display else blank(masked, taken)):
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


_ENVIRONMENT_DEFINITION = re.compile(
    r"\\(?:re)?newenvironment\s*\{(?P<env>(?:" + "|".join(MATH_ENVIRONMENTS) + r")\*?)\}"
    r"\s*\[(?P<count>[1-9])\](?!\s*\[)"
)


def environment_arguments(text: str, *, masked: bool = False) -> dict[str, int]:
    """The math environments `text` redefines to take arguments, and how many:
    `\\renewenvironment{equation}[1]{…}` makes `\\begin{equation}{https://…}` hold a link, not
    math (optional arguments are left out: their `[…]` is rarely written)."""
    text = text if masked else mask(text)
    return {m["env"]: int(m["count"]) for m in _ENVIRONMENT_DEFINITION.finditer(text)}


def _without_arguments(masked: str, arguments: dict[str, int]) -> str:
    """`masked` with the arguments after each `\\begin{env}` of `arguments` blanked, and the
    redefinitions themselves (their `{\\[}{\\]}` is no display), offsets and lines kept."""
    spans = [
        (m.start(), _after_groups(masked, m.end(), 2))
        for m in _ENVIRONMENT_DEFINITION.finditer(masked)
    ]
    for env, count in arguments.items():
        for begin in re.finditer(r"\\begin\{" + re.escape(env) + r"\}", masked):
            spans.append((begin.end(), _after_groups(masked, begin.end(), count)))
    for start, stop in spans:
        masked = masked[:start] + re.sub(r"[^\n]", " ", masked[start:stop]) + masked[stop:]
    return masked


def _after_groups(text: str, position: int, count: int) -> int:
    """Where the `count` braced groups from `position` on end (as far as there are any)."""
    for _ in range(count):
        braced = group(text, skip_space(text, position), "{", "}")
        if braced is None:
            break
        position = braced[1] + 1
    return position


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
