"""The one faithfulness check: a sentence says only what its sources say.

Every piece of prose galcli prints (`explain-formula`, `smiles describe`, `lit-review`) is either
built from verified parts or passes this check. A sentence fails when it holds something its
sources lack:

- a number or a year (`1947`, `3.5`; "1,000" and "1000" are one number);
- an acronym or a mixed-case name (`GROMACS`, `PICT`, `AmDMM`), compared as written;
- any other word that carries content: a capitalised name (`Maxwell`), a term (`chromatographic`),
  compared lower-cased, accents folded and stemmed (PyStemmer: "calculations" is
  "calculation"), so the expansion of an acronym no source spells out fails word by word.

Function words, connectives and the words a sentence uses to report ("the paper describes",
"moreover") carry no claim and need no source. Lexical, deterministic and strict on purpose: it
cannot prove a sentence true, but a sentence that passes introduces no name, number or term of
its own. The user's topic, the formula, the .bib entry: whatever the caller passes counts as a
source.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from galcli.bib.normalize import english_stopwords, fold, latex_to_text

# Words that carry no claim: function words beyond bm25s's short list, connectives, and the
# words that report what a work or a formula does.
FUNCTION_WORDS = frozenset(
    """about above after again against all also although among any are because been before
    being below between both but can could did does doing done down during each either
    few from further had has have having her here hers him his how however into its itself
    just may might more most much must nor not now off once only other others our ours out
    over own same shall she should since some such than that their theirs them themselves
    then there these they this those though through too under until upon very was were what
    when where whether which while who whom whose why will with within without would yet you
    your one two its it's""".split()
)
CONNECTIVES = frozenset(
    """moreover furthermore additionally similarly likewise instead meanwhile thus therefore
    hence finally first second third next then overall together respectively namely notably
    particular particularly example instance contrast comparison addition turn hand whereas
    related another further finally""".split()
)
REPORTING_WORDS = frozenset(
    """paper papers study studies work works article articles author authors researchers
    present presents presented describe describes described report reports reported
    provide provides provided show shows showed shown propose proposes proposed demonstrate
    demonstrates demonstrated discuss discusses discussed introduce introduces introduced
    examine examines examined investigate investigates investigated highlight highlights
    highlighted address addresses addressed focus focuses focused consider considers
    considered""".split()
)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_](?:[\w'’-]*[^\W_])?")
_YEAR = re.compile(r"^(?:1[5-9]|20)\d\d$")


@lru_cache(maxsize=1)
def _stemmer() -> Callable[[list[str]], list[str]]:
    try:
        import Stemmer
    except ImportError:  # a core dependency; without it words are compared unstemmed
        return lambda words: words
    stem: Callable[[list[str]], list[str]] = Stemmer.Stemmer("english").stemWords
    return stem


@lru_cache(maxsize=1)
def ignored_words() -> frozenset[str]:
    return english_stopwords() | FUNCTION_WORDS | CONNECTIVES | REPORTING_WORDS


def _number(token: str) -> str:
    return token.replace(",", "")


def _is_name(token: str) -> bool:
    """An acronym or a mixed-case name (GROMACS, AmDMM, pH): compared as written."""
    return sum(c.isupper() for c in token) >= 2 or (
        any(c.isupper() for c in token[1:]) and any(c.islower() for c in token)
    )


def _plain(text: str) -> str:
    return latex_to_text(text) if "\\" in text or "{" in text else text


def content_words(text: str) -> set[str]:
    """The stemmed words of `text` that can carry a claim (what ranking by topic compares)."""
    ignored = ignored_words()
    words = [
        w
        for w in (fold(t).lower() for t in _TOKEN.findall(_plain(text)) if not t[0].isdigit())
        if w not in ignored and len(w) > 2
    ]
    return set(_stemmer()(words))


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
        words = frozenset(_stemmer()(lowered)) | frozenset(lowered)
        return cls(words, frozenset(letters) | frozenset(lowered), numbers)


@dataclass(frozen=True)
class Faithfulness:
    """What a sentence holds that its sources lack (nothing: it passes)."""

    missing: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.missing

    def reason(self) -> str:
        """Why the sentence fails, in words for stderr and JSON."""
        parts = []
        for token in self.missing:
            if token.isdigit() and _YEAR.match(token):
                parts.append(f"the year {token}")
            elif token[0].isdigit():
                parts.append(f"the number {token}")
            elif _is_name(token):
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
    for token in _TOKEN.findall(_plain(sentence)):
        if token[0].isdigit():
            if _number(token) not in known.numbers:
                missing.append(token)
        elif _is_name(token):
            if token not in known.names and token.lower() not in known.names:
                missing.append(token)
        else:
            word = fold(token).lower()
            if word not in ignored and len(word) > 2:
                candidates.append(token)
    stems = _stemmer()([fold(t).lower() for t in candidates])
    for token, stem in zip(candidates, stems, strict=True):
        if stem not in known.words and fold(token).lower() not in known.words:
            missing.append(token)
    return Faithfulness(tuple(dict.fromkeys(missing)))


@dataclass(frozen=True)
class Rejected:
    """A sentence that failed the check: never printed as a result, shown on stderr."""

    sentence: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"sentence": self.sentence, "reason": self.reason}


def sift(text: str, sources: Sources | Sequence[str]) -> tuple[list[str], list[Rejected]]:
    """The sentences of `text` that pass the check, and those that do not (with the reason)."""
    from galcli.latex.sentences import split_sentences

    known = sources if isinstance(sources, Sources) else Sources.of(sources)
    kept: list[str] = []
    rejected: list[Rejected] = []
    for sentence in split_sentences(text):
        verdict = check(sentence, known)
        if verdict.ok:
            kept.append(sentence)
        else:
            rejected.append(Rejected(sentence, verdict.reason()))
    return kept, rejected
