"""The LaTeX commands `check` reads: which cite, which include files, which name bibliographies.

Any command whose name contains "cite" is taken as a citation with one key list unless it is
listed here as something else (a multicite, a volume citation, or not a citation at all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Commands with "cite" in their name that do not take citation keys.
NOT_CITATIONS = {
    "citetext",
    "citestyle",
    "citeindextrue",
    "citeindexfalse",
    "citeindextype",
    "citeauthoryear",
    "citename",
    "citepunct",
    "citesetup",
    "citenumfont",
    "citeleft",
    "citeright",
    "citemid",
    "citedash",
    "citeform",
    "setcitestyle",
    "bibpunct",
    "DeclareCiteCommand",
    "citelinkfalse",
}
# biblatex multicite commands: `\cites(pre)(post)[pre]{a}[post]{b}…`, every group a key list.
MULTICITE = re.compile(
    r"^(?:[Cc]ites|[Pp]arencites|[Ff]ootcites|[Ff]ootcitetexts|[Tt]extcites|"
    r"[Ss]martcites|[Ss]upercites|[Aa]utocites)$"
)
# biblatex volume citations, `\volcite[prenote]{volume}[pages]{key}` and the multicite
# `\volcites(…)(…)[…]{volume}[…]{key}[…]{volume}[…]{key}`: the volume is not a key.
VOLCITE = {"volcite", "pvolcite", "fvolcite", "ftvolcite", "svolcite", "tvolcite", "avolcite"}
VOLCITES = {name + "s" for name in VOLCITE}

# Include commands and their number of mandatory arguments (the last is the file).
INCLUDE_COMMANDS = {
    "input": 1,
    "include": 1,
    "subfile": 1,
    "import": 2,
    "subimport": 2,
    "inputfrom": 2,
    "includefrom": 2,
    "subinputfrom": 2,
    "subincludefrom": 2,
}
# Bibliography commands and the tool that reads what they name. BibTeX's take a comma list of
# names; biblatex's take one resource (a path or a URL) and options such as location=remote.
BIB_COMMANDS = {
    "bibliography": "bibtex",
    "nobibliography": "bibtex",
    "addbibresource": "biber",
    "addglobalbib": "biber",
    "addsectionbib": "biber",
}
FIXED_COMMANDS = (*INCLUDE_COMMANDS, *BIB_COMMANDS)


def volume_citation(name: str) -> str | None:
    """ "single" for `\\volcite` and its siblings (any capitalised), "multi" for `\\volcites`…"""
    lowered = name[:1].lower() + name[1:]
    if lowered in VOLCITE:
        return "single"
    if lowered in VOLCITES:
        return "multi"
    return None


@dataclass
class CiteMacro:
    """A command the document defines (`\\newcommand`, `\\def`) that cites."""

    arity: int  # mandatory arguments
    key_argument: int  # 1-based index of the argument that carries the keys; 0: none
    keys: tuple[str, ...] = ()  # keys its body cites literally, cited wherever it is used
