"""The one faithfulness check: a sentence says only what its sources say.

Every piece of prose galcli prints (`explain-formula`, `smiles describe`, `lit-review`) is either
built from verified parts or passes this check. A sentence fails when it holds something its
sources lack:

- a number or a year (`1947`, `3.5`; "1,000" and "1000" are one number);
- an acronym or a mixed-case name (`GROMACS`, `PICT`, `AmDMM`), compared as written;
- any other word that carries content: a capitalised name (`Maxwell`), a term (`chromatographic`),
  compared lower-cased, accents folded and stemmed (PyStemmer: "calculations" is
  "calculation"), so the expansion of an acronym no source spells out fails word by word.

It also fails when it says one pair of words LOOP times or more ("times T times T …", "(O)O(O)O"):
a small model caught in a loop can repeat its sources' words and nothing else.

Function words, connectives and the words a sentence uses to report ("the paper describes",
"moreover") carry no claim and need no source. Lexical, deterministic and strict on purpose: it
cannot prove a sentence true, but a sentence that passes introduces no name, number or term of
its own. The user's topic, the formula, the .bib entry: whatever the caller passes counts as a
source.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from galcli.bib.normalize import fold
from galcli.bib.words import TOKEN as _TOKEN
from galcli.bib.words import ignored_words, is_name, stemmer
from galcli.bib.words import plain_text as _plain

LOOP = 4  # a pair of words said this often in one sentence is a generation loop, not prose
_YEAR = re.compile(r"^(?:1[5-9]|20)\d\d$")


def _number(token: str) -> str:
    return token.replace(",", "")


@dataclass(frozen=True)
class Sources:
    """What a set of source texts contains, read once for many sentences."""

    words: frozenset[str]  # stemmed, lower-case, folded
    names: frozenset[str]  # tokens as written
    numbers: frozenset[str]

    @classmethod
    def of(cls, texts: Iterable[str]) -> Sources:
        tokens = [t for text in texts for t in _TOKEN.findall(_plain(text))]
        numbers = frozenset(_number(t) for t in tokens if t[0].isdigit())
        letters = [t for t in tokens if not t[0].isdigit()]
        lowered = [fold(t).lower() for t in letters]
        words = frozenset(stemmer()(lowered)) | frozenset(lowered)
        return cls(words, frozenset(letters) | frozenset(lowered), numbers)


@dataclass(frozen=True)
class Faithfulness:
    """What a sentence holds that its sources lack (nothing: it passes)."""

    missing: tuple[str, ...]
    repeated: str | None = None  # a pair of words the sentence loops on ("times T")

    @property
    def ok(self) -> bool:
        return not self.missing and self.repeated is None

    def reason(self) -> str:
        """Why the sentence fails, in words for stderr and JSON."""
        if self.repeated is not None and not self.missing:
            return f"repeats '{self.repeated}' over and over: a model caught in a loop"
        parts = []
        for token in self.missing:
            if token.isdigit() and _YEAR.match(token):
                parts.append(f"the year {token}")
            elif token[0].isdigit():
                parts.append(f"the number {token}")
            elif is_name(token):
                parts.append(f"the name {token}")
            else:
                parts.append(f"'{token}'")
        return "says " + ", ".join(parts) + ", which its sources do not"


def check(sentence: str, sources: Sources | Sequence[str]) -> Faithfulness:
    """Whether every number, name and content word of `sentence` is in `sources`."""
    known = sources if isinstance(sources, Sources) else Sources.of(sources)
    ignored = ignored_words()
    missing: list[str] = []
    candidates: list[str] = []
    tokens = _TOKEN.findall(_plain(sentence))
    pairs = Counter(zip(tokens, tokens[1:], strict=False))
    loop = next((f"{a} {b}" for (a, b), n in pairs.most_common(1) if n >= LOOP), None)
    for token in tokens:
        if token[0].isdigit():
            if _number(token) not in known.numbers:
                missing.append(token)
        elif is_name(token):
            if token not in known.names and token.lower() not in known.names:
                missing.append(token)
        else:
            word = fold(token).lower()
            if word not in ignored and len(word) > 2:
                candidates.append(token)
    stems = stemmer()([fold(t).lower() for t in candidates])
    for token, stem in zip(candidates, stems, strict=True):
        if stem not in known.words and fold(token).lower() not in known.words:
            missing.append(token)
    return Faithfulness(tuple(dict.fromkeys(missing)), loop)


@dataclass(frozen=True)
class Rejected:
    """A sentence that failed the check: never printed as a result, shown on stderr."""

    sentence: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"sentence": self.sentence, "reason": self.reason}


def sift(text: str, sources: Sources | Sequence[str]) -> tuple[list[str], list[Rejected]]:
    """The sentences of `text` that pass the check, and those that do not (with the reason). A
    last sentence without its full stop was cut off (the token limit): never kept."""
    from galcli.latex.sentences import split_sentences

    known = sources if isinstance(sources, Sources) else Sources.of(sources)
    kept: list[str] = []
    rejected: list[Rejected] = []
    for sentence in dict.fromkeys(split_sentences(text)):  # a sentence said twice counts once
        verdict = check(sentence, known)
        if not re.search(r"[.!?][\"'”’)\]]*$", sentence):
            rejected.append(Rejected(sentence, "unfinished: the model stopped mid-sentence"))
        elif verdict.ok:
            kept.append(sentence)
        else:
            rejected.append(Rejected(sentence, verdict.reason()))
    return kept, rejected
