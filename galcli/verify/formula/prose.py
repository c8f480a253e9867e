"""The words around a formula in a paper's prose, and whether they define it: the patterns
of verify/formula/definitions.py ("where $X$ is the …", "the loss $L$", "let $X$ be …").

Work on prose where each formula is written as MATH + its index + MATH (`definitions._prose`).
Plain word lists and regular expressions: deterministic, and fast on a thesis.
"""

from __future__ import annotations

import re

from galcli.verify.formula.words import (
    ACTS_ON,
    CLAUSE_START,
    DETERMINERS,
    GERUNDS,
    NOT_NOUNS,
    OF_ARGUMENT,
    PREPOSITIONS,
    SUBJECTS,
    TO_PREPOSITIONS,
    VAGUE,
    VERBS,
    VERBS_S,
    adjective,
)

MATH = "\x00"  # stands for a formula in the prose around one

_COPULA = (
    r"(?:is|are|was|were|denotes?|denoting|represents?|representing|stands? for|standing for|"
    r"refers? to|corresponds? to|"
    r"indicates?|gives?|measures?|counts?|describes?|is (?:defined|given) (?:as|by)|is called|"
    r"are called)"
)
_DETERMINER = r"(?:the|a|an|one|each|every|our|its|their|this|that|some|any|all|both|two|three)"
# What ends a defining noun phrase: punctuation, a clause, the next item of a list.
_NP_END = re.compile(
    r"[.;:!?()\[\],]|,\s*" + MATH
    + r"|\s(?:and|or)\s+" + MATH + r"|\b(?:where|which|that|whose|such that|while|whereas|"
    r"is|are|was|were|will|can|may|must|should|has|have|had)\b"
)  # fmt: skip


def clean(prose: str) -> str:
    """LaTeX text commands dropped (their arguments kept), references and spacing simplified."""
    prose = re.sub(r"\\(?:ref|eqref|autoref|cref|Cref|label|url|footnote)\*?\{[^{}]*\}", " ", prose)
    prose = re.sub(
        r"\\(?:emph|textit|textbf|textsc|textsl|textrm|textsf|mathrm|text)\{", "{", prose
    )
    prose = re.sub(r"\\[A-Za-z@]+\*?", " ", prose).replace("~", " ")
    prose = prose.replace("{", "").replace("}", "").replace("\\", " ")
    # white space folded, one space kept at either end: "the $i$th" stays "the ith"
    inner = " ".join(prose.split())
    return (
        (" " if prose[:1].isspace() else "")
        + inner
        + (" " if prose[-1:].isspace() and inner else "")
    )


def vague(phrase: str) -> bool:
    """Whether a noun phrase says nothing of what a thing is ("the corresponding definition",
    "the following")."""
    words = [w for w in re.findall(r"[A-Za-z]+", phrase) if w.lower() not in DETERMINERS]
    return all(w.lower() in VAGUE | NOT_NOUNS or len(w) <= 2 for w in words)


# What a copula says of a symbol that is no definition: "$\\omega$ is a decreasing function of
# $x$", "$r$ gives rise to …".
_PROPERTY = re.compile(
    r"(?:(?:only\s+)?an?\s+(?:[a-z-]+\s+)?function\s+of\b|only\s+functions\s+of\b|rise\b)", re.I
)  # "$u$ and $\\theta$ are only functions of $x$"


def noun_phrase(after: str) -> str | None:
    """The noun phrase at the start of `after` (up to where it ends), or None. A short aside in
    parentheses is left out: "the (fluctuating) system volume"."""
    after = re.sub(r"\s*\((?:[^()" + MATH + r"]{1,30})\)(?=\s+[a-z])", "", after)
    end = _NP_END.search(after)
    phrase = after[: end.start() if end else len(after)].strip(" ,")
    words = phrase.split()
    if not words or len(words) > 24:  # a run-on sentence beyond this
        return None
    content = [
        w for w in words if w.isalpha() and w.lower() not in NOT_NOUNS | DETERMINERS and len(w) > 2
    ]
    if not content or all(w.lower() in VAGUE for w in content):
        return None
    return phrase


_WORD = MATH + r"\d+" + MATH + r"-[\w'-]+|[\w'-]+"


def _words_before(before: str, through_of: bool = False) -> str:
    """The noun phrase that ends right before a formula, read backwards from it: up to its
    determiner ("a word matrix $W$", "each word $w_t$") or the preposition before it ("at
    index $t$", "between hidden states $h$"), or with `through_of` past an "of" ("the speed of
    light ($c$)"); empty when a verb or a clause comes first."""
    # "an $N$-dimensional diagonal matrix $A$": a formula joined to a word is one word
    words = re.findall(_WORD + r"|[^\w\s]", before.rstrip(" ,"))
    phrase: list[str] = []
    for position in range(len(words) - 1, max(len(words) - 9, -1), -1):
        word = words[position]
        lowered = word.lower()
        if phrase and lowered in ("and", ",") and position and words[position - 1] in (MATH, ")"):
            break  # the next item of a list: "density $\rho$ and kinematic viscosity $\nu$"
        if lowered == "that":
            return ""  # a clause, mostly: "a path that connects $A$", "that decreasing $x$"
        if lowered in ("and", "or") and phrase and position and _describes(words[position - 1]):
            phrase.insert(0, word)  # "a decreasing and log-concave fitness function $f(x)$"
            continue
        if lowered in DETERMINERS:
            if lowered in ("every", "all", "any"):
                return ""  # "every element $f(x)$" quantifies, it does not name
            phrase.insert(0, word)
            if through_of and position > 1 and words[position - 1].lower() == "of":
                continue  # "the mean of the model is $\\mu$": the mean, not the model
            break
        to = (  # not "the rate of selected sites relative to the neutral rate ($\omega$)"
            lowered == "to"
            and not through_of
            and position
            and words[position - 1].lower() in TO_PREPOSITIONS
        )
        if (lowered in PREPOSITIONS or to) and phrase and phrase[0].lower() != "of":
            if not (through_of and lowered == "of"):
                break
        plural = bool(phrase) and phrase[-1].lower().endswith("s")
        if plural and (
            lowered in VERBS | ACTS_ON | NOT_NOUNS
            or not re.fullmatch(_WORD, word)
            or len(phrase) == 2
        ):
            # a plural noun phrase needs no determiner: "we collect sentence pairs $(a_i, p_i)$",
            # "if quantities $x$ and $y$", "adopts discrete values $x_1, x_2$" (two words at most)
            # after a subject the first word is its verb: "we optimize parameters $\\Theta$"
            phrase = phrase[-1:] if lowered in SUBJECTS else phrase[-2:]
            break
        if lowered in NOT_NOUNS - {"of"} or not re.fullmatch(_WORD, word) or len(phrase) > 5:
            return ""
        phrase.insert(0, word)
    else:
        return ""  # no determiner and no preposition: not a noun phrase of its own
    nouns = [w for w in phrase if w.lower() not in DETERMINERS and w.lower() != "of"]
    if not nouns or phrase[-1].lower() == "of" or adjective(phrase[-1]) or MATH in phrase[-1]:
        return ""
    if not any(w.lower() not in VAGUE and re.search("[a-z]{3}", w, re.I) for w in nouns):
        return ""  # "the same $x$", "250 $\\mu$"
    if _not_a_noun(phrase):
        return ""
    return " ".join(phrase)


def _describes(word: str) -> bool:
    """An adjective or a participle before "and"/"or" in a noun phrase, which coordinates two
    words that describe one noun ("a decreasing and log-concave function", "the real or
    imaginary part"), not two nouns ("mass and radius")."""
    lowered = word.lower()
    return (adjective(word) and not lowered.endswith("ly")) or lowered in GERUNDS


def _not_a_noun(phrase: list[str]) -> bool:
    """Whether the words read as a noun phrase are no name of the formula: a verb that acts on
    it ("by increasing $N_e$", "which removes $i$", "This creates $\\eta$", "including
    Pearson's $r$"), a possessive whose formula is part of a name ("Kendall's $\\tau$"), or a
    broken word ("log-$N_e$")."""
    first, last = phrase[0].lower(), phrase[-1]
    return (
        " ".join(phrase[:2]).lower() in ("the same", "a similar")  # says what it is like
        or last.lower() in GERUNDS | ACTS_ON
        or first == "including"
        or re.search("['’]s?$", last) is not None
        or last.endswith("-")
        or (first == "this" and len(phrase) == 2 and bool(re.search(r"[^sui]s$", last)))
    )


Found = list[tuple[str, str]]  # (how, what) of each way the words around a formula define it


def _copula_after(before: str, after: str) -> Found:
    """ "$X$ is/denotes/represents the …", "$a$, $b$ are … constants"."""
    match = re.match(r"\s*,?\s*" + _COPULA + r"\s+(?P<rest>.*)", after, re.IGNORECASE | re.S)
    if not match:
        return []
    rest = match["rest"]
    is_like = re.match(r"\s*,?\s*(?:is|are|was|were)\b", after, re.IGNORECASE)
    plural = re.match(r"\s*,?\s*(?:are|were)\b", after, re.IGNORECASE) and re.match(
        r"(?:(?!(?:as|by|from|to|in|on|at|with|for)\s)[a-z-]+\s+){0,3}[a-z-]{3,}s\b", rest
    )  # "$a$, $b$ are explicitly given rational constants"
    if not is_like or plural or re.match(_DETERMINER + r"\s", rest, re.IGNORECASE):
        phrase = noun_phrase(rest)
        if phrase and re.fullmatch(r"both\s+\S+", phrase, re.I):
            return []  # "generator $s$ is both running, and …": a property, not a name
        if phrase and not _PROPERTY.match(phrase):
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
    m = re.search(r"\b(?:an?)\s+(?P<np>[a-z][a-z -]{2,40}?)\s+of\s*$", before)
    if not m or not re.match(r"\s*(?:[.,;:)]|and\b|$)", after):
        return []
    words = m["np"].split()
    if (
        len(words) <= 4
        and not set(map(str.lower, words)) & NOT_NOUNS
        and not adjective(words[-1])
        and words[-1].lower() not in OF_ARGUMENT
        and not vague(m["np"])
    ):
        return [("noun", "a " + " ".join(words))]
    return []


def _name_is(before: str, after: str) -> Found:
    """ "the storing efficiency is $\\eta^{sto}$." (the name, then the symbol ends the clause)."""
    m = re.search(r"^(?P<np>.*?\S)\s+(?:is|are)\s*$", before, re.S)
    if m and re.match(r"\s*(?:[.,;:]|and\b|$)", after):
        if (phrase := _words_before(m["np"], through_of=True)) and not vague(phrase):
            return [("is", phrase)]
    return []


def _let(before: str, after: str) -> Found:
    """ "let the abundance of a biomarker be $x_i$", "let $X$ be …"."""
    found: Found = []
    if m := re.search(r"\blet\s+(?P<np>(?:the|an?)\s[^,;:.]+?)\s+be\s*$", before, re.I):
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
    if re.search(r"\b(?:denote|write|note)\s+(?:by|as)?\s*$", before.lower()):
        if phrase := noun_phrase(re.sub(r"^\s*(?:as|for)\s+", "", after)):
            found.append(("denote", phrase))
    if re.search(r"\b(?:define|defining|defines)\s*$", before, re.I) and (
        m := re.match(r"\s*(?:as|to be)\s+(?P<np>.*)", after, re.S)
    ):  # "we define $X$ as the …", "define $X$ to be the …"
        if (phrase := noun_phrase(m["np"])) and not vague(phrase):
            found.append(("denote", phrase))
    if m := re.search(r"\b(?:denote|call|write)\s+(?P<np>.+?)\s+(?:by|as)\s*$", before, re.I):
        if phrase := noun_phrase(m["np"]):
            found.append(("denote", phrase))
    if m := re.search(
        r"(?P<np>\b(?:the|an?)\s[^,;:.]*?),?\s*(?:denoted|written|called|termed|referred to as)"
        r"(?:\s+(?:by|as))?\s*$",
        before,
        re.I,
    ):
        if (phrase := noun_phrase(m["np"])) and not vague(phrase):
            found.append(("denote", phrase))
    if m := re.match(
        r"\s*,?\s*(?:termed|called|known as|referred to as)\s+(?P<np>.*)", after, re.S
    ):
        if (phrase := noun_phrase(m["np"])) and not vague(phrase):
            found.append(("denote", phrase))
    return found


# A "let" sentence that goes on after a comma, its "be" understood: "Let $s$ be …, $t$ …"
_LET_GOES_ON = re.compile(r"\blet\b[^.;]*\bbe\b[^.;]*,\s*$", re.I)
_BARE_PLURAL = r"\s*(?P<np>(?:[a-z-]+\s+){0,2}[a-z-]{3,}s\b.*)"


def _apposition(before: str, after: str) -> Found:
    """ "of $n$ (the block size)", "with $T$ the temperature", "with $k$ being the …", "with
    $(r, \\phi)$ being polar coordinates", "the speed of light ($c$)"."""
    found: Found = []
    if m := re.match(r"\s*\((?P<np>(?:the|an?)\s[^()]*)\)", after, re.I):
        if (phrase := noun_phrase(m["np"])) and not vague(phrase):
            found.append(("apposition", phrase))
    if m := re.match(r"\s*,?\s*(?:being\s+)?(?P<np>(?:the|a|an)\s+.*)", after, re.I | re.S):
        cue = re.search(r"(?:^|\b(?:with|where|and|for|given|of)|[,;:(])\s*$", before.lower())
        clause = re.match(r"[^.;:,()]*?\b(?:is|are|was|were|has|have|had)\b", m["np"])
        if cue and not clause and (phrase := noun_phrase(m["np"])):
            # not "at a distance of $r$ the shower has a delay"
            found.append(("apposition", phrase))
    elif m := re.match(r"\s*,?\s*being\s+(?P<np>(?:[a-z-]+\s+){0,2}[a-z-]{3,}s\b.*)", after, re.S):
        if phrase := noun_phrase(m["np"]):
            found.append(("apposition", phrase))
    elif (
        _LET_GOES_ON.search(before)
        and not _MEASURED.match(after)  # "…, $t$ times more"
        and (m := re.match(_BARE_PLURAL, after, re.S))
    ):
        # "Let $s$ be an absolute integrable function, $t,\\omega$ real numbers"
        if phrase := noun_phrase(m["np"]):
            found.append(("apposition", phrase))
    if re.search(r"\(\s*$", before) and re.match(r"\s*\)", after):
        if phrase := _words_before(before.rstrip()[:-1], through_of=True):
            found.append(("apposition", phrase))
    return found


def _named_before(before: str, after: str) -> Found:
    """The words right before a formula: "the token embedding matrix $W^{(e)}$", or what it
    counts ("a batch of $n$ training samples", "exactly $k$ particles"), or a noun phrase set
    off by a comma ("the number of iterations …, $N_t$")."""
    if (phrase := _words_before(before)) and not _MEASURED.match(after):
        return [("noun", phrase)]
    if re.search(_COUNT_CUE, before.lower()) and (
        count := re.match(r"\s*((?:[a-z][a-z-]*\s+){0,3}?[a-z][a-z-]{2,}s)\b", after)
    ):
        words = count.group(1).split()
        if not set(words) & (NOT_NOUNS | VERBS_S | PREPOSITIONS):
            return [("count", "the number of " + count.group(1))]
        return []
    if phrase := _apposition_before(before):
        return [("apposition", phrase)]
    return []


# A formula that measures what follows it ("the infectiousness $s$ days after infection") is
# not named by the words before it.
_MEASURED = re.compile(
    r"\s*(?:days?|weeks?|months?|years?|hours?|minutes?|seconds?|steps|times|generations|epochs"
    r"|iterations|cycles|rounds|units)\b",
    re.I,
)


# The ways of defining, strongest first.
_PATTERNS = (
    _copula_after,
    _labels,
    _value_of,
    _name_is,
    _let,
    _denote,
    _apposition,
    _named_before,
)


def defines(before: str, after: str) -> Found:
    """(how, what) for the defining patterns the words around a formula match, strongest first."""
    return [found for pattern in _PATTERNS for found in pattern(before, after)]


# Words after which a formula and a plural noun count something: "a batch of $n$ samples",
# "exactly $k$ particles", "a system with $N$ atoms", "we draw $M$ samples".
_COUNT_CUE = (
    r"\b(?:of|with|exactly|at least|at most|first|draws?|drawing|drawn|samples?|sampling|"
    r"sampled|generates?|generating|uses?|using|has|have|contains?|containing)\s*$"
)


def _apposition_before(before: str) -> str:
    """A noun phrase set off by a comma right before a formula, from its determiner at the
    start of a clause: "the number of iterations for the token at index $t$, $N_t$"."""
    if not before.rstrip().endswith(","):
        return ""
    tokens = re.findall(_WORD + "|" + MATH + r"\d+" + MATH + r"|[^\w\s]", before.rstrip()[:-1])
    phrase: list[str] = []
    for position in range(len(tokens) - 1, -1, -1):
        token = tokens[position]
        lowered = token.lower()
        if len(phrase) > 14 or re.fullmatch(r"[^\w\s]", token) or lowered in NOT_NOUNS - set(
            PREPOSITIONS | {"of", "and"}
        ):  # fmt: skip
            return ""
        phrase.insert(0, token)
        if lowered in ("the", "a", "an"):
            previous = tokens[position - 1].lower() if position else ""
            if not previous or re.fullmatch(r"[^\w\s]", previous) or previous in CLAUSE_START:
                words = [w for w in phrase if w.isalpha() and w.lower() not in DETERMINERS]
                if any(len(w) > 2 and w.lower() not in VAGUE | NOT_NOUNS for w in words):
                    return " ".join(phrase)
    return ""
