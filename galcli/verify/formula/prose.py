"""The words around a formula in a paper's prose, and whether they define it: the patterns
of verify/formula/definitions.py ("where $X$ is the …", "the loss $L$", "let $X$ be …").

Work on prose where each formula is written as MATH + its index + MATH (`definitions._prose`).
Plain word lists and regular expressions: deterministic, and fast on a thesis.
"""

from __future__ import annotations

import re

from galcli.verify.formula.nouns import (
    MATH,
    apposition_before,
    noun_phrase,
    vague,
    words_before,
)
from galcli.verify.formula.words import (
    NOT_NOUNS,
    OF_ARGUMENT,
    PREPOSITIONS,
    VERBS_S,
    adjective,
)

_COPULA = (  # the longer first: "is called" before "is"
    r"(?:(?:is|are) (?:(?:defined|given) (?:as|by)|called|termed|known as|referred to as)|"
    r"is|are|was|were|denotes?|denoting|represents?|representing|stands? for|standing for|"
    r"refers? to|corresponds? to|indicates?|gives?|measures?|counts?|describes?)"
)
# "$\\epsilon$ will denote a small positive number", "… will be the …": a modal before it
_MODAL = r"(?:will|shall)\s+"  # not "can be", "may be": what it may be, not what it is
_MODAL_COPULA = rf"(?:{_MODAL}(?:be|denote|represent|stand for|refer to)|{_COPULA})"
_DETERMINER = r"(?:the|a|an|one|each|every|our|its|their|this|that|some|any|all|both|two|three)"
_NAMED = r"[A-Z][a-z]+['’]s"  # "Boltzmann's constant", "Young's modulus": a name's, no article


# What a copula says of a symbol that is no definition: "$\\omega$ is a decreasing function of
# $x$", "$r$ gives rise to …".
_PROPERTY = re.compile(
    r"(?:(?:only\s+)?an?\s+(?:[a-z-]+\s+)?function\s+of\b|(?:[a-z-]+\s+)?functions\s+of\b|rise\b)",
    re.I,
)  # "$u$ and $\\theta$ are only functions of $x$", "… are arbitrary functions of the frequency"


Found = list[tuple[str, str]]  # (how, what) of each way the words around a formula define it


def _copula_after(before: str, after: str) -> Found:
    """ "$X$ is/denotes/represents the …", "$a$, $b$ are … constants"."""
    match = re.match(r"\s*,?\s*" + _MODAL_COPULA + r"\s+(?P<rest>.*)", after, re.I | re.S)
    if not match:
        return []
    rest = re.sub(r"^respectively,?\s+", "", match["rest"])  # "are respectively the mass and …"
    is_like = re.match(r"\s*,?\s*(?:is|are|was|were|" + _MODAL + r"be)\b", after, re.I)
    plural = re.match(r"\s*,?\s*(?:are|were)\b", after, re.IGNORECASE) and re.match(
        r"(?:(?!(?:as|by|from|to|in|on|at|with|for)\s)[a-z-]+\s+){0,3}[a-z-]{3,}s\b", rest
    )  # "$a$, $b$ are explicitly given rational constants"
    # a verb with an object needs its article too: "$k$ measures similarity" names no quantity
    acts = re.match(r"\s*,?\s*(?:gives?|measures?|counts?|describes?|indicates?)\b", after, re.I)
    if (
        not (is_like or acts)
        or plural
        or re.match(rf"(?:{_DETERMINER}|{_NAMED})\s", rest, re.IGNORECASE)
    ):
        phrase = noun_phrase(rest)
        if phrase and re.fullmatch(r"both\s+\S+", phrase, re.I):
            return []  # "generator $s$ is both running, and …": a property, not a name
        if phrase and not _PROPERTY.match(phrase):
            return [("is", phrase)]
    return []


def _entry(before: str, after: str) -> Found:
    """ "$N_{obs}$: number of observations" (a list of symbols, each opening its item)."""
    m = re.match(r"\s*:\s*(?P<np>[A-Za-z].*)", after, re.S)
    if m and not before.strip() and (phrase := noun_phrase(m["np"])) and not vague(phrase):
        return [("is", phrase)]
    return []


def _labels(before: str, after: str) -> Found:
    """ "$a$ labels consumers": an index over them."""
    m = re.match(r"\s*(?:labels|indexes|indices|enumerates|runs over)\s+(?P<np>.*)", after, re.S)
    if m and (phrase := noun_phrase(m["np"])) and not vague(phrase):
        return [("is", "the index over " + phrase)]
    return []


def _value_of(before: str, after: str) -> Found:
    """ "at a contact angle of $\\gamma$": a value ("the mean of $x$" is no definition of x)."""
    if not re.match(r"\s*(?:[.,;:)]|and\b|the\b|$)", after):  # "…of $R_0$ the field is"
        return []
    named = value_named(before)
    return [("noun", named)] if named else []


def value_named(before: str) -> str:
    """The noun a value is said to be of, when the words before a formula end "a … of" ("a
    contact angle of $\\gamma$", "an excess of $\\gamma = \\Delta\\Delta G$", "a temperature of
    $T = 300$ K"); else "". Not an argument ("a function of $x$") or a vague word."""
    # the last article: "a source with a radius of", not "a source with …"
    m = re.match(r".*(?:^|\s)(?P<article>an?)\s+(?P<np>[a-z][a-z -]{2,40}?)\s+of\s*$", before, re.S)
    # "we set the regularisation penalty to $\lambda = 0.005$"
    m = m or re.search(
        r"\b(?:set|sets|fix|fixes|fixed)\s+(?P<article>the|an?)\s+(?P<np>[a-z][a-z -]{2,40}?)"
        r"\s+(?:to|at)\s*$",
        before,
    )
    if not m:
        return ""
    words = m["np"].split()
    if (
        len(words) <= 4
        and not set(map(str.lower, words)) & NOT_NOUNS
        and not adjective(words[-1])
        and words[-1].lower() not in OF_ARGUMENT
        and not vague(m["np"])
    ):
        return f"{m['article']} {' '.join(words)}"
    return ""


def _name_is(before: str, after: str) -> Found:
    """ "the storing efficiency is $\\eta^{sto}$." (the name, then the symbol ends the clause)."""
    m = re.search(r"^(?P<np>.*?\S)\s+(?:is|are)\s*$", before, re.S)
    if m and re.match(r"\s*(?:[.,;:]|and\b|$)", after):
        if (phrase := words_before(m["np"], through_of=True)) and not vague(phrase):
            return [("is", phrase)]
    return []


def _let(before: str, after: str) -> Found:
    """ "let the abundance of a biomarker be $x_i$", "let $X$ be …"."""
    found: Found = []
    m = re.search(r"\blet\s+(?P<np>(?:the|an?)\s[^,;:.]+?)\s+be\s*$", before, re.I)
    if m and not after.startswith("-"):  # "let the vector $\\xi$ be $d$-dimensional": a modifier
        if phrase := noun_phrase(m["np"]):
            found.append(("let", phrase))
    if re.search(r"\blet\s*$", before.lower()) and (
        m := re.match(r"\s*(?:be|denote)\s+(.*)", after, re.S)
    ):
        if phrase := noun_phrase(m.group(1)):
            found.append(("let", phrase))
    return found


def _denote(before: str, after: str) -> Found:
    """ "we denote by $X$ the …", "we define $X$ as the …", "we denote … by $X$", "the
    autocorrelation function of $x$, denoted $C$", "the matrix $H$, termed the coefficient
    matrix"."""
    found: Found = []
    if re.search(r"\b(?:denote|write|note)(?:\s+(?:by|as))?\s*$", before.lower()):
        if phrase := noun_phrase(re.sub(r"^\s*(?:as|for)\s+", "", after)):
            found.append(("denote", phrase))
    if re.search(r"\b(?:we|I)\s+(?:will\s+|shall\s+)?(?:call|name)\s*$", before, re.I) and (
        m := re.match(r"\s*(?P<np>(?:the|an?)\s.*)", after, re.S)
    ):  # "we call $\\tau$ the integrated autocorrelation time"
        if (phrase := noun_phrase(m["np"])) and not vague(phrase):
            found.append(("denote", phrase))
    if re.search(r"\b(?:define|defining|defines)\s*$", before, re.I) and (
        m := re.match(r"\s*(?:as|to be)\s+(?P<np>.*)", after, re.S)
    ):  # "we define $X$ as the …", "define $X$ to be the …"
        if (phrase := noun_phrase(m["np"])) and not vague(phrase):
            found.append(("denote", phrase))
    # "we denote … by $X$", "Denoting the Hessian by $H$,", "We denote the ice thickness as
    # $H$ and the bed elevation as $b$" (the second: the words after the "and")
    verb = r"\b(?:denot(?:e|es|ing)|call(?:s|ing)?|writ(?:e|es|ing))\s+"
    if m := re.search(
        rf"(?:{verb}|{verb}[^.;:]*?{MATH}\d+{MATH}\s*,?\s+and\s+(?=(?:the|an?)\s))"
        rf"(?P<np>[^{MATH}]+?)\s+(?:by|as)\s*$",
        before,
        re.I,
    ):
        if phrase := noun_phrase(m["np"]):
            found.append(("denote", phrase))
        elif m := re.search(rf"{verb}(?P<np>.+?)\s+(?:by|as)\s*$", before, re.I):
            # "We call this response the susceptibility of $\\omega$ …, and denote it as $\\chi$"
            if phrase := noun_phrase(m["np"]):
                found.append(("denote", phrase))
    if m := re.search(
        r"(?P<np>\b(?:the|an?)\s[^,;:.]*?),?\s*(?:denoted|written|called|termed|referred to as"
        r"|indicated|designated|labell?ed)"
        r"(?:\s+(?:by|as))?\s*$",
        before,
        re.I,
    ):
        if (phrase := noun_phrase(m["np"])) and not vague(phrase):
            found.append(("denote", phrase))
    if use := re.search(
        r"\b(?:use|uses|using|used)(?P<symbol>\s+the\s+(?:symbol|notation|letter))?\s*$",
        before,
        re.I,
    ):  # "we use $\\sigma$ to denote the velocity dispersion", "the symbol $\\Sigma$ for …"
        purpose = r"to\s+(?:denote|represent|indicate)" + (r"|for" if use["symbol"] else "")
        if (m := re.match(rf"\s*(?:{purpose})\s+(?P<np>.*)", after, re.S)) and (
            (phrase := noun_phrase(m["np"])) and not vague(phrase)
        ):
            found.append(("denote", phrase))
    if m := re.search(
        r"(?P<np>\b(?:the|an?)\s[^,;:.()]*?)\s*(?:,|\()\s*(?:hereafter|henceforth|which\s+(?:we|I)"
        r"\s+(?:will\s+)?(?:refer\s+to\s+as|call|denote(?:\s+by)?|write\s+as))\s*$",
        before,
        re.I,
    ):  # "The luminosity, hereafter $L_\\star$", "the mass, which we refer to as $M_h$"
        if (phrase := noun_phrase(m["np"])) and not vague(phrase):
            found.append(("denote", phrase))
    if m := re.match(
        r"\s*,?\s*(?:termed|called|known as|referred to as)\s+(?P<np>.*)", after, re.S
    ):
        if (phrase := noun_phrase(m["np"])) and not vague(phrase):
            found.append(("denote", phrase))
    return found


# A sentence that goes on after its first item with the verb left out: "Let $s$ be …, $t$ real
# numbers" (after a comma), "$T_{VVV}$ represents the contribution from …, $T_{VVW}$ two
# vortical modes … and $T_{WWW}$ three wave modes" (after a copula, "and" too)
_VERB_LEFT_OUT = re.compile(
    r"(?:\blet\b[^.;]*\bbe\b[^.;]*,|" + MATH + r"\d+" + MATH + r"\s*,?\s*(?:is|are|represents?"
    r"|denotes?|stands? for)\b[^.;]*(?:,|,?\s+and))\s*$",
    re.I,
)
_GAPPED_NOUN = (  # "… real numbers", "… one vortical mode": a plural or a counted noun
    r"\s*(?!given\b|[a-z]+ed\b)(?P<np>(?:(?:one|two|three|four)\s+(?:[a-z-]+\s+){0,2}"
    r"[a-z-]{3,}|(?:[a-z-]+\s+){0,2}(?!this\b|thus\b|has\b|was\b|does\b)[a-z-]{3,}s)\b.*)"
)


def _apposition(before: str, after: str) -> Found:
    """ "of $n$ (the block size)", "with $T$ the temperature", "with $k$ being the …", "with
    $(r, \\phi)$ being polar coordinates", "the speed of light ($c$)"."""
    found: Found = []
    # "of $n$ (the block size)", "with $\\sigma$ -- the surface tension -- fixed"
    if m := re.match(
        r"\s*(?:\(|--+|[—–])\s*(?P<np>(?:the|an?)\s(?:[^()—–-]|-(?!-))*?)\s*(?:\)|--+|[—–])",
        after,
        re.I,
    ):
        if (phrase := noun_phrase(m["np"])) and not vague(phrase):
            found.append(("apposition", phrase))
    if m := re.match(
        rf"\s*,?\s*(?:being\s+)?(?P<np>(?:(?i:the|a|an|its)|{_NAMED})\s+.*)", after, re.S
    ):
        cue = bool(re.search(r"(?:^|\b(?:with|where|and|for|given|of)|[,;:(])\s*$", before.lower()))
        # set off by commas: "The function $Q$, the flux, satisfies" (not "For large $x$, the
        # method, …", which opens a clause)
        cue = cue or bool(
            re.match(
                rf"\s*,\s*(?:the|an?)(?:\s+[^\s,.;:(){MATH}']+){{1,4}}\s*,(?!\s*{MATH})", after
            )
            and not re.search(
                r"\b(?:for|in|at|on|as|when|if|from|to|by|than)(?:\s+\S+)?\s*$", before, re.I
            )
        )
        clause = re.match(
            r"[^.;:,()]*?\b(?:is|are|was|were|has|have|had|can|could|may|might|must|will|would|"
            r"should|shall|does|do)\b",
            m["np"],
        )
        if cue and not clause and (phrase := noun_phrase(m["np"])):
            # not "at a distance of $r$ the shower has a delay"
            found.append(("apposition", phrase))
    elif m := re.match(r"\s*,?\s*being\s+(?P<np>(?:[a-z-]+\s+){0,2}[a-z-]{3,}s\b.*)", after, re.S):
        if phrase := noun_phrase(m["np"]):
            found.append(("apposition", phrase))
    elif (
        _VERB_LEFT_OUT.search(before)
        and not _MEASURED.match(after)  # "…, $t$ times more"
        and (m := re.match(_GAPPED_NOUN, after, re.S))
    ):
        # "Let $s$ be an absolute integrable function, $t,\\omega$ real numbers"
        if phrase := noun_phrase(m["np"]):
            found.append(("apposition", phrase))
    if re.search(r"\(\s*$", before) and re.match(r"\s*\)", after):
        if phrase := words_before(before.rstrip()[:-1], through_of=True):
            found.append(("apposition", phrase))
    return found


def _named_before(before: str, after: str) -> Found:
    """The words right before a formula: "the token embedding matrix $W^{(e)}$", or what it
    counts ("a batch of $n$ training samples", "exactly $k$ particles"), or a noun phrase set
    off by a comma ("the number of iterations …, $N_t$")."""
    if _opens(before, after):
        return []
    if (phrase := words_before(before)) and not _MEASURED.match(after):
        return [("noun", phrase)]
    if re.search(_COUNT_CUE, before.lower()) and (
        count := re.match(r"\s*((?:[a-z][a-z-]*\s+){0,3}?[a-z][a-z-]{2,}s)\b", after)
    ):
        words = count.group(1).split()
        if not set(words) & (NOT_NOUNS | VERBS_S | PREPOSITIONS):
            return [("count", "the number of " + count.group(1))]
        return []
    if phrase := apposition_before(before):
        return [("apposition", phrase)]
    return []


def _opens(before: str, after: str) -> bool:
    """A formula after a comma that opens the next clause ("by the rate of neutral mutations,
    $\\omega$ simply approximates to"): the noun before the comma ends the clause before."""
    if not before.rstrip().endswith(","):
        return False
    word = re.match(r"\s*(?:[,.;:()=]|$|([A-Za-z]+))", after)
    return word is None or bool(word[1]) and word[1].lower() not in _GOES_ON


# Words after a formula that carry on its noun phrase, not a new clause: "…, $N_t$ with:",
# "…, $h_k$ for each child", "…, $x$ and $y$".
_GOES_ON = PREPOSITIONS | {"and", "or", "that", "which", "whose", "where", "given", "defined"}


# A formula that measures what follows it ("the infectiousness $s$ days after infection") is
# not named by the words before it.
_MEASURED = re.compile(
    r"\s*(?:days?|weeks?|months?|years?|hours?|minutes?|seconds?|steps|times|generations|epochs"
    r"|iterations|cycles|rounds|units)\b",
    re.I,
)


# The ways of defining, strongest first.
def _lag(before: str, after: str) -> Found:
    """A formula that counts the time between two events: "the relative infectiousness $s$
    days after infection", "registered $s$ days later" (what it counts, not what precedes)."""
    match = _LAG.match(after)
    if match is None:
        return []
    words: list[str] = []
    for word in match["rest"].split():  # "after infection" (normalised such that …)
        if adjective(word) and words[-1:] != ["being"]:
            break
        words.append(word)
    return [("count", " ".join(["the number of", match["unit"], match["when"], *words]))]


_LAG = re.compile(
    r"\s*(?P<unit>days|weeks|months|years|hours|minutes|seconds|steps|generations|iterations)"
    r"\s+(?P<when>after|later|before|earlier|since|ago)\b(?P<rest>(?:\s+(?!and\b|or\b)[a-z-]+){0,4})",
)

_PATTERNS = (
    _copula_after,
    _entry,
    _labels,
    _value_of,
    _name_is,
    _let,
    _denote,
    _apposition,
    _named_before,
    _lag,
)


def defines(before: str, after: str) -> Found:
    """(how, what) for the defining patterns the words around a formula match, strongest first."""
    return [found for pattern in _PATTERNS for found in pattern(before, after)]


def set_off(before: str, words: Found) -> str:
    """What a singular noun set off by a comma names, said of an equation's left side ("the
    divergence, $d = \\nabla^2 \\chi$"): not a plural ("two roots, $x = …$"), nor a noun led
    by a preposition ("For the demand, $\\mu_t = …$", "from its mean, $\\epsilon_i = …$")."""
    if not before.rstrip().endswith(","):
        return ""
    named = next((what for how, what in words if how == "noun"), "")
    text = before.rstrip()[:-1].rstrip()
    if not named or named.endswith("s") or not text.endswith(named):
        return ""
    lead = text[: len(text) - len(named)].split()[-1:]  # "from its mean", "are both zero"
    clause = re.split(r"[,;:.]", text)[-1].split()[:1]  # "For the demand", "at the hour …"
    if {w.lower() for w in lead} & (NOT_NOUNS - _LISTING) or {w.lower() for w in clause} & (
        PREPOSITIONS
    ):
        return ""
    return named


_LISTING = frozenset({"of", "than", "and"})


# Words after which a formula and a plural noun count something: "a batch of $n$ samples",
# "exactly $k$ particles", "a system with $N$ atoms", "we draw $M$ samples".
_COUNT_CUE = (
    r"\b(?:of|with|exactly|at least|at most|first|draws?|drawing|drawn|samples?|sampling|"
    r"sampled|generates?|generating|uses?|using|has|have|contains?|containing|by|over|across|"
    r"from|for|among|in|on|into|between)\s*$"
)
