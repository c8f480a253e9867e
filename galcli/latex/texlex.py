"""TeX lexing helpers shared by the LaTeX scanner and the formula reader.

- `mask`: a copy of a .tex text with comments, verbatim-like material and `\\iffalse … \\fi`
  blocks blanked out character for character (offsets, lines and columns stay true);
- `comment_spans`: where the comments are (what `mask` blanks as comments);
- `skip_space`, `group`, `arguments`: walk balanced `{…}` / `[…]` / `(…)` arguments;
- `parse_definitions`: the one reader of `\\newcommand`, `\\renewcommand`,
  `\\providecommand`, `\\def` and `\\DeclareMathOperator`, for every caller that needs to
  know what a document defines (cite macros for `check`, formula macros for `explain-formula`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

VERBATIM_ENVIRONMENTS = (
    "verbatim",
    "verbatim*",
    "Verbatim",
    "Verbatim*",
    "BVerbatim",
    "LVerbatim",
    "lstlisting",
    "minted",
    "comment",
    "alltt",
    "spverbatim",
    "filecontents",
    "filecontents*",
)

_SPECIAL = re.compile(
    r"\\begin\s*\{(?P<env>" + "|".join(re.escape(e) for e in VERBATIM_ENVIRONMENTS) + r")\}"
    r"|\\(?P<verb>verb\*?|lstinline)(?P<delim>[^A-Za-z\s\[{])"
    r"|\\(?P<iffalse>iffalse)(?![A-Za-z@])"
)
_IF_FI = re.compile(r"\\[\\%]|%[^\n]*|\\(?P<word>if[A-Za-z@]*|fi)(?![A-Za-z@])")


# -- masking --------------------------------------------------------------------------------


def mask(text: str) -> str:
    """`text` with comments, verbatim material and `\\iffalse` blocks replaced by spaces.

    Newlines are kept, so offsets, lines and columns are unchanged.
    """
    pieces = []
    position = 0
    for start, end in _special_spans(text):
        pieces.append(mask_comments(text[position:start]))
        pieces.append(_blank(text[start:end]))
        position = end
    pieces.append(mask_comments(text[position:]))
    return "".join(pieces)


def comment_start(text: str, position: int, end: int) -> int:
    """Offset of the first comment-starting `%` in text[position:end], or -1.

    A `%` starts a comment unless an odd number of backslashes precede it (`\\%` is a percent
    sign, `\\\\%` a line break followed by a comment)."""
    while (found := text.find("%", position, end)) >= 0:
        backslashes = 0
        while found - backslashes > 0 and text[found - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return found
        position = found + 1
    return -1


def mask_comments(text: str) -> str:
    """`text` with every `%` comment (up to its line end) replaced by spaces."""
    pieces = []
    position = 0
    while (start := comment_start(text, position, len(text))) >= 0:
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        pieces += [text[position:start], " " * (end - start)]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def comment_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each comment, from its `%` to its line end: the spans `mask` blanks as
    comments (not a `%` inside verbatim material or `\\verb`)."""
    spans = []
    position = 0
    for start, end in [*_special_spans(text), (len(text), len(text))]:
        while (found := comment_start(text, position, start)) >= 0:
            line_end = text.find("\n", found, start)
            line_end = start if line_end < 0 else line_end
            spans.append((found, line_end))
            position = line_end
        position = max(position, end)
    return spans


def in_comment(text: str, position: int) -> bool:
    return comment_start(text, text.rfind("\n", 0, position) + 1, position) >= 0


def _special_spans(text: str) -> list[tuple[int, int]]:
    """Verbatim-like environments, `\\verb|…|` and `\\iffalse … \\fi` (rare, so found first;
    comments are masked around them)."""
    spans: list[tuple[int, int]] = []
    position = 0
    while (match := _SPECIAL.search(text, position)) is not None:
        if in_comment(text, match.start()):
            position = match.end()
            continue
        start = match.start()
        if match["env"]:
            closing = text.find(f"\\end{{{match['env']}}}", match.end())
            start, end = match.end(), (len(text) if closing < 0 else closing)
        elif match["verb"]:
            closing = text.find(match["delim"], match.end())
            newline = text.find("\n", match.end())
            end = (
                closing + 1 if closing >= 0 and (newline < 0 or closing < newline) else match.end()
            )
        else:
            end = _matching_fi(text, match.end())
        spans.append((start, end))
        position = max(end, match.end())
    return spans


def _blank(segment: str) -> str:
    if "\n" not in segment:
        return " " * len(segment)
    return "\n".join(" " * len(line) for line in segment.split("\n"))


def _matching_fi(text: str, position: int) -> int:
    depth = 1
    for match in _IF_FI.finditer(text, position):
        word = match["word"]
        if word is None:
            continue
        depth += -1 if word == "fi" else 1
        if depth == 0:
            return match.end()
    return len(text)


# -- arguments ------------------------------------------------------------------------------


def skip_space(text: str, position: int) -> int:
    """The first offset at or after `position` that is not white space."""
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def group(text: str, position: int, opening: str, closing: str) -> tuple[int, int] | None:
    """The span inside a balanced `opening … closing` group starting at `position`."""
    if position >= len(text) or text[position] != opening:
        return None
    # Fast path: the usual `{key1,key2}` or `[p.~4]` holds no nested group.
    close = text.find(closing, position + 1)
    if close >= 0:
        inner = text[position + 1 : close]
        if opening not in inner and "{" not in inner and "\\" not in inner:
            return position + 1, close
    depth = 0
    index = position
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2  # an escaped character: \\{ and \\} are no group's braces
            continue
        if char == opening or (opening == "[" and char == "{"):
            depth += 1
        elif char == closing or (opening == "[" and char == "}"):
            depth -= 1
            if depth == 0:
                return position + 1, index
        index += 1
    return None


def arguments(
    text: str, position: int, mandatory: int, *, parentheses: bool = False
) -> tuple[list[tuple[int, int]], int]:
    """Spans of `mandatory` brace arguments after optional `(…)` / `[…]` arguments, and the
    offset after the last one."""
    spans: list[tuple[int, int]] = []
    while len(spans) < mandatory:
        position = skip_space(text, position)
        for opening, closing in (("(", ")"), ("[", "]")) if parentheses else (("[", "]"),):
            while (optional := group(text, position, opening, closing)) is not None:
                position = skip_space(text, optional[1] + 1)
        braces = group(text, position, "{", "}")
        if braces is None:
            break
        spans.append(braces)
        position = braces[1] + 1
    return spans, position


# -- definitions ----------------------------------------------------------------------------


@dataclass
class Definition:
    name: str  # without the backslash
    arguments: int  # how many #n parameters, the optional one included
    default: str | None  # the optional first argument's default, for \newcommand{\x}[2][d]{…}
    body: str
    # where it stands (offsets in the text), and whether it is a \DeclareMathOperator
    start: int = field(default=0, compare=False)
    span: tuple[int, int] = field(default=(0, 0), compare=False)
    operator: bool = field(default=False, compare=False)
    # a mathtools paired delimiter: used as `\\abs{x}`, `\\abs*{x}` or `\\abs[\\big]{x}`
    starred: bool = field(default=False, compare=False)


_DEFINITION = re.compile(
    r"\\(?P<kind>(?:re)?newcommand\*?|providecommand\*?|DeclareMathOperator\*?|def"
    r"|DeclarePairedDelimiter)\s*"
    r"(?:\{\s*\\(?P<name>[A-Za-z@]+|[^A-Za-z@\s{}])\s*\}|\\(?P<bare>[A-Za-z@]+|[^A-Za-z@\s{}]))"
)
_DEF_PARAMETERS = re.compile(r"(?:#\d)*")
_ARITY = re.compile(r"\s*\[(\d)\]")


def definitions(text: str, *, masked: bool = False) -> list[Definition]:
    """Every macro `text` defines with \\newcommand, \\renewcommand, \\providecommand, \\def,
    \\DeclareMathOperator or mathtools' \\DeclarePairedDelimiter, in order (one parser for
    formulas and the citation scanner).
    Pass `masked=True` when `text` is already the output of `mask`."""
    text = text if masked else mask(text)
    found: list[Definition] = []
    for match in _DEFINITION.finditer(text):
        name = match["name"] or match["bare"]
        kind = match["kind"]
        position = match.end()
        if kind.startswith("DeclareMathOperator"):
            body = group(text, skip_space(text, position), "{", "}")
            if body:
                star = "*" if kind.endswith("*") else ""
                operator = f"\\operatorname{star}{{{text[body[0] : body[1]]}}}"
                found.append(Definition(name, 0, None, operator, match.start(), body, True))
            continue
        if kind == "DeclarePairedDelimiter":  # \\DeclarePairedDelimiter{\\abs}{\\lvert}{\\rvert}
            spans, end = arguments(text, position, 2)
            if len(spans) == 2:
                opening, closing = (text[a:b].strip() for a, b in spans)
                paired = f"\\left{opening} #2 \\right{closing}"  # #1: the optional size
                found.append(Definition(name, 2, "", paired, match.start(),
                                        (spans[0][0], end - 1), starred=True))  # fmt: skip
            continue
        count, default = 0, None
        if kind == "def":
            parameters = _DEF_PARAMETERS.match(text, position)
            count = len(parameters.group(0)) // 2 if parameters else 0
            position = parameters.end() if parameters else position
        elif arity := _ARITY.match(text, position):
            count, position = int(arity.group(1)), arity.end()
            optional = group(text, skip_space(text, position), "[", "]")
            if optional:
                default = text[optional[0] : optional[1]]
                position = optional[1] + 1
        body = group(text, skip_space(text, position), "{", "}")
        if body:
            found.append(
                Definition(name, count, default, text[body[0] : body[1]], match.start(), body)
            )
    return found


def parse_definitions(text: str, *, masked: bool = False) -> dict[str, Definition]:
    """The macros `text` defines, by name (a later definition wins)."""
    return {d.name: d for d in definitions(text, masked=masked)}
