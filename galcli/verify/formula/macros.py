"""Expansion of the macros a document defines (read by `galcli.latex.texlex.parse_definitions`)
inside a formula, so that `\\R` or `\\norm{x}` is explained as what it stands for."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from galcli.latex.texlex import Definition, group, skip_space
from galcli.verify.formula import siunits

_TOKEN = re.compile(r"\\[A-Za-z@]+|.", re.S)  # one TeX token: an argument without braces


def expand_macros(
    latex: str, definitions: dict[str, Definition], depth: int = 8
) -> tuple[str, list[str]]:
    """Replace uses of `definitions` in `latex` (nested uses too, `depth` rounds at most),
    siunitx's quantities written as they print (verify/formula/siunits.py)."""
    used: list[str] = []
    latex = siunits.written(latex)
    definitions, pattern = _prepared(definitions)
    if pattern is None:
        return _bold(latex), used
    for _ in range(depth):
        pieces, position, changed = [], 0, False
        for match in pattern.finditer(latex):
            if match.start() < position:
                continue
            definition = definitions[match.group(1) or match.group(2)]
            cursor, arguments = match.end(), []
            if (definition.starred or definition.arguments) and latex.startswith("*", cursor):
                cursor += 1  # \\abs*{x}: the delimiters' size, \\vb*{x}: a variant; no argument
            if definition.default is not None:
                optional = group(latex, skip_space(latex, cursor), "[", "]")
                if optional:
                    arguments.append(latex[optional[0] : optional[1]])
                    cursor = optional[1] + 1
                else:
                    arguments.append(definition.default)
            while len(arguments) < definition.arguments:
                cursor = skip_space(latex, cursor)
                braced = group(latex, cursor, "{", "}")
                if braced:
                    arguments.append(latex[braced[0] : braced[1]])
                    cursor = braced[1] + 1
                elif cursor < len(latex):
                    one = _TOKEN.match(latex, cursor)
                    token = one.group(0) if one else latex[cursor]
                    arguments.append(token)
                    cursor += len(token)
                else:
                    break
            body = _in_math(definition.body)
            for index, argument in enumerate(arguments, 1):
                body = re.sub(f"(\\\\[A-Za-z@]+)?#{index}", _filled(argument), body)
            body = _IF_EMPTY.sub(_decided, body)
            if body.lstrip()[:1] in ("_", "^"):
                body = body.lstrip()  # "h\\optionalsub{v}": the script of what stands before
            before = latex[position : match.start()]
            if re.search(r"\\[A-Za-z@]+$", before) and body[:1].isalpha():
                body = " " + body  # "\\epsilon\\pmin" is ε then p_min, not "\\epsilonp_min"
            pieces += [before, body]
            position, changed = cursor, True
            if definition.name not in used:
                used.append(definition.name)
        if not changed:
            break
        latex = "".join(pieces) + latex[position:]
    return _bold(latex), used


# LaTeX 2.09's bold math in a box, as a macro writes it (`\\mbox{\\boldmath{$#1$}}`): the bold
# symbol it prints, not a box of text with a formula inside
_BOLDMATH = re.compile(
    r"\\mbox\s*\{\s*\\boldmath\s*(?:\{\s*\$(?P<a>[^$]*)\$\s*\}|\$(?P<b>[^$]*)\$)\s*\}"
)


def _bold(latex: str) -> str:
    return _BOLDMATH.sub(
        lambda m: f"\\boldsymbol{{{m['a'] if m['a'] is not None else m['b']}}}", latex
    )


# TeX programming: a macro whose body defines, assigns, loops or sets boxes (nccmath's
# \\medmath, a thesis's \\savecontent) prints something no reading of its body can tell; it is
# kept as written. The empty-argument test below is the one conditional that is decided.
_PROGRAMMING = re.compile(
    r"\\(?:[A-Za-z]*@[A-Za-z@]*|csname|expandafter|e?def|xdef|gdef|let|futurelet|global"
    r"|advance|multiply|divide|setbox|[hv]box|vcenter|halign|valign|ialign|fontdimen|scriptfont"
    r"|begingroup|endgroup|afterassignment|aftergroup|if(?!x\s*\\relax)[A-Za-z]*|loop|repeat"
    r"|lineskip|baselineskip|lineskiplimit|mathchoice)(?![A-Za-z])"
)


_Prepared = tuple[dict[str, Definition], "re.Pattern[str] | None"]
# the last few, by identity (and size: a dict that grew since is prepared again)
_PREPARED: list[tuple[dict[str, Definition], int, _Prepared]] = []


def _prepared(definitions: dict[str, Definition]) -> _Prepared:
    """The macros that expand (no TeX programs, copies kept by \\@namedef dropped) and the
    pattern of their uses: made once per document's macros (a thesis expands them in each of
    its hundreds of formulas)."""
    for known, size, prepared in _PREPARED:
        if known is definitions and size == len(definitions):
            return prepared
    usable: dict[str, Definition] = {}
    for name, definition in definitions.items():
        body = _SILENT.sub(" ", definition.body)
        if not programs_tex(body):
            usable[name] = definition if body == definition.body else replace(definition, body=body)
    words = [name for name in usable if re.fullmatch(r"[A-Za-z@]+", name)]
    symbols = [name for name in usable if name not in words]  # \\def\\*#1{\\bm{#1}}
    pattern = (
        re.compile(
            r"\\(?:("
            + "|".join(sorted(map(re.escape, words), key=len, reverse=True))
            + r")(?![A-Za-z@])"
            + (r"|(" + "|".join(map(re.escape, symbols)) + ")" if symbols else "")
            + ")"
        )
        if usable
        else None
    )
    _PREPARED[:] = [*_PREPARED[-7:], (definitions, len(definitions), (usable, pattern))]
    return usable, pattern


# An assignment that prints nothing: a thesis's \\savecontent{#1}{#2} prints #1 and keeps a
# copy with "\\global\\@namedef{savecontent@#2}{#1}".
_SILENT = re.compile(r"(?:\\global\s*)?\\@namedef\s*\{[^{}]*\}\s*\{(?:[^{}]|\{[^{}]*\})*\}")


def programs_tex(body: str) -> bool:
    """Whether a macro's body programs TeX (`_PROGRAMMING`) rather than writing math."""
    return _PROGRAMMING.search(body) is not None


# TeX's test of an empty argument, "\\ifx\\relax#1\\relax … \\else … \\fi", decided once the
# argument is known: `\\newcommand*{\\optionalsup}[1]{\\ifx\\relax#1\\relax\\else^{#1}\\fi}`.
_IF_EMPTY = re.compile(
    r"\\ifx\s*\\relax(?P<test>.*?)\\relax(?P<then>.*?)"
    r"(?:\\else(?P<otherwise>.*?))?\\fi(?![A-Za-z])",
    re.S,
)


def _decided(match: re.Match[str]) -> str:
    return match["then"] if not match["test"].strip() else match["otherwise"] or ""


_ENSUREMATH = re.compile(r"\\ensuremath\s*(?=\{)")
_OPERATION = re.compile(r"(?<!\\)[-+=<>,]|\\(?:[lg]eq?|neq|times|cdot|pm|mp)(?![A-Za-z])")


def _in_math(body: str) -> str:
    """A macro's body as it reads inside a formula: `\\ensuremath{X}` is X there (a group
    `{X}` when X is an operation, so `\\ensuremath{a+b}^2` keeps its meaning), so
    `\\newcommand{\\x}{\\ensuremath{\\vec{x}}}` makes `\\x_0` the symbol x₀."""
    while match := _ENSUREMATH.search(body):
        inner = group(body, match.end(), "{", "}")
        if inner is None:
            break
        content = body[inner[0] : inner[1]]
        bare = not _OPERATION.search(re.sub(r"\{[^{}]*\}", "", content))
        body = (
            body[: match.start()]
            + (content if bare else "{" + content + "}")
            + body[inner[1] + 1 :]
        )
    return body


def _filled(argument: str) -> Callable[[re.Match[str]], str]:
    """The argument in place of its #n, kept apart from a control word just before it: TeX
    reads `\\lVert#1` with #1 = q as \\lVert then q, never as \\lVertq."""

    def fill(match: re.Match[str]) -> str:
        word = match.group(1) or ""
        return word + (" " if word and argument[:1].isalpha() else "") + argument

    return fill
