"""The one sentence splitter: where sentences of prose (a paragraph, an abstract, a draft) end.

A sentence ends at `.`, `!` or `?` (closing quotes and brackets may follow) before white space
and a capital, a digit, a bracket or a LaTeX command — except after an abbreviation of
`ABBREVIATIONS` ("et al.", "e.g.", "Fig.", "Eq.", …), a single initial ("J. Smith") or inside a
number ("3.5"). Every module that needs sentences uses these functions (docs/architecture.md).
"""

from __future__ import annotations

import re

# Words that a period follows without ending the sentence (lower case, without the period).
ABBREVIATIONS = frozenset(
    "al e.g i.e etc cf vs viz ca approx resp fig figs eq eqs ref refs sec secs ch chap tab "
    "dr prof no nos vol vols pp p ed eds suppl app".split()
)
_END = re.compile(r"[.!?](?P<close>['\")\]}]*)(?P<space>\s+)(?=[A-Z0-9\\(\[`\"'])")
_WORD_BEFORE = re.compile(r"(?:^|[\s(\[{~])(?P<word>[A-Za-z][A-Za-z.]*)$")


def _is_end(text: str, match: re.Match[str]) -> bool:
    if text[match.start()] != ".":
        return True
    before = _WORD_BEFORE.search(text, 0, match.start())
    if before is None:
        return True
    word = before["word"].lower()
    if word in ABBREVIATIONS:
        return False
    return not (len(word) == 1 and before["word"].isupper())  # an initial: "J. Smith"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, white space between sentences excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        if _is_end(text, match):
            spans.append((start, match.start("space")))
            start = match.end()
    spans.append((start, len(text)))
    return [
        (s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in spans if text[s:e].strip()
    ]


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, each with its white space folded."""
    return [" ".join(text[s:e].split()) for s, e in sentence_spans(text)]


def sentence_at(text: str, position: int) -> tuple[int, int]:
    """The span of the sentence of `text` that holds offset `position`."""
    start, end = 0, len(text)
    for match in _END.finditer(text):
        if not _is_end(text, match):
            continue
        if match.end() <= position:
            start = match.end()
        else:
            end = match.start("space")
            break
    return start, end


def complete_sentences(text: str) -> int:
    """How many sentences of a text still being written are complete (their end is followed by
    white space): a stream can stop as soon as it has the sentences it needs."""
    count = 0
    for match in re.finditer(r"[.!?]['\")\]}]*\s", text):
        if text[match.start()] != ".":
            count += 1
            continue
        before = _WORD_BEFORE.search(text, 0, match.start())
        word = before["word"] if before else ""
        if word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper()):
            continue
        count += 1
    return count
