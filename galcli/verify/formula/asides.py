"""The parts of a LaTeX file that stand apart from its running prose: footnotes, which are no
part of the sentence around them but define on their own, and figure and table captions, which
restate what the prose defines. Read by verify/formula/definitions.py.
"""

from __future__ import annotations

import re

from galcli.latex.texlex import group as braced

_FOOTNOTE = re.compile(r"\\footnote(?:text)?\s*(?:\[[^\]]*\])?\s*(?=\{)")


def footnotes_apart(hidden: str) -> tuple[str, str | None]:
    """The prose without its footnotes, and the footnotes without the prose (each the same
    length as `hidden`; None when there are none): "$Z$ is the value of the statistic\\footnote{…},
    and $n_e$ is …" is one sentence, and the footnote's own sentences define too."""
    spans = []
    for match in _FOOTNOTE.finditer(hidden):
        if (inside := braced(hidden, match.end(), "{", "}")) is not None:
            spans.append((match.start(), inside[0], inside[1]))
    if not spans:
        return hidden, None
    outside, notes = list(hidden), list(re.sub(r"[^\n]", " ", hidden))
    for start, inner, end in spans:
        outside[start : end + 1] = re.sub(r"[^\n]", " ", hidden[start : end + 1])
        notes[inner:end] = hidden[inner:end]
    return "".join(outside), "".join(notes)


_CAPTION = re.compile(r"\\caption\*?\s*(?:\[[^\]]*\])?\s*(?=\{)")


def captions(masked: str) -> list[tuple[int, int]]:
    """The spans of a file's \\caption arguments."""
    return [
        inside
        for match in _CAPTION.finditer(masked)
        if (inside := braced(masked, match.end(), "{", "}")) is not None
    ]
