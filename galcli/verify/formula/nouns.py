"""Noun phrases in the prose around a formula: the one that ends right before it ("the token
embedding matrix $W^{(e)}$"), the one that starts after a copula ("is the number of samples"),
one set off by a comma before it; and whether a phrase says anything at all (`vague`). Read by
verify/formula/prose.py, on prose where each formula is MATH + its index + MATH.
"""

from __future__ import annotations

import re

from galcli.verify.formula.words import (
    ACTS_ON,
    CLAUSE_START,
    DETERMINERS,
    GERUNDS,
    NOT_NOUNS,
    PREPOSITIONS,
    SUBJECTS,
    TO_PREPOSITIONS,
    VAGUE,
    VERBS,
    adjective,
)

MATH = "\x00"  # stands for a formula in the prose around one

# What ends a defining noun phrase: punctuation, a clause, the next item of a list.
_NP_END = re.compile(
    r"[.;:!?()\[\],]|,\s*" + MATH
    + r"|\s(?:and|or)\s+" + MATH + r"|\b(?:where|which|that|whose|such that|while|whereas|"
    r"is|are|was|were|will|can|may|must|should|has|have|had)\b"
)  # fmt: skip


def vague(phrase: str) -> bool:
    """Whether a noun phrase says nothing of what a thing is ("the corresponding definition",
    "the following")."""
    words = [w for w in re.findall(r"[A-Za-z]+", phrase) if w.lower() not in DETERMINERS]
    return all(w.lower() in VAGUE | NOT_NOUNS or len(w) <= 2 for w in words)


def noun_phrase(after: str) -> str | None:
    """The noun phrase at the start of `after` (up to where it ends), or None. A short aside in
    parentheses is left out: "the (fluctuating) system volume"."""
    after = re.sub(r"\s*\((?:[^()" + MATH + r"]{1,30})\)(?=\s+[a-z])", "", after)
    end = _NP_END.search(after)
    if end and end.group(0) == "which" and _DANGLING.search(after[: end.start()].rstrip()):
        # "the velocity at which the contact footprint grows": the clause says which one
        end = re.compile(r"[.;:!?()\[\],]").search(after, end.end())
    phrase = after[: end.start() if end else len(after)].strip(" ,")
    # a preposition whose object was a display or a citation: "the solution to", "… with"
    phrase = _DANGLING.sub("", phrase)
    words = phrase.split()
    if not words or len(words) > 24:  # a run-on sentence beyond this
        return None
    content = [
        w for w in words if w.isalpha() and w.lower() not in NOT_NOUNS | DETERMINERS and len(w) > 2
    ]
    if not content or all(w.lower() in VAGUE for w in content):
        return None
    return phrase


_WORD = MATH + r"\d+" + MATH + r"-[\w'-]+|[\w'-]+(?:/[\w'-]+)*"
_DANGLING = re.compile(r"(?:\s+(?:of|to|by|with|for|in|on|at|from|and|or|given))+\s*$")


# Nouns whose "of" phrase a formula after it counts: "the number of walkers $K$"
_COUNTS = frozenset({"number", "fraction", "proportion", "ratio", "amount", "total"})


def words_before(before: str, through_of: bool = False) -> str:
    """The noun phrase that ends right before a formula, read backwards from it: up to its
    determiner ("a word matrix $W$", "each word $w_t$") or the preposition before it ("at
    index $t$", "between hidden states $h$"), or with `through_of` past an "of" ("the speed of
    light ($c$)"); empty when a verb or a clause comes first."""
    # "an $N$-dimensional diagonal matrix $A$": a formula joined to a word is one word
    words = re.findall(_WORD + r"|[^\w\s]", before.rstrip(" ,"))
    phrase: list[str] = []
    counting = False
    for position in range(len(words) - 1, max(len(words) - 9, -1), -1):
        word = words[position]
        lowered = word.lower()
        if phrase and lowered in ("and", ",") and position and words[position - 1] in (MATH, ")"):
            break  # the next item of a list: "density $\rho$ and kinematic viscosity $\nu$"
        if (
            phrase
            and lowered == "and"
            and words[position - 2 : position] in ([MATH, ","], [")", ","])
            and all(map(_plain_noun, phrase))
        ):
            break  # its last item: "…, dynamic viscosity $\mu$, and surface tension $\gamma$"
        if phrase and word == "(" and len(phrase) <= 2 and all(map(_plain_noun, phrase)):
            break  # its first item, in parentheses: "material properties (density $\rho$, …"
        if lowered == "that":
            return ""  # a clause, mostly: "a path that connects $A$", "that decreasing $x$"
        if lowered in ("and", "or") and phrase and position and _describes(words[position - 1]):
            phrase.insert(0, word)  # "a decreasing and log-concave fitness function $f(x)$"
            continue
        if lowered in DETERMINERS:
            if lowered in ("every", "all", "any"):
                return ""  # "every element $f(x)$" quantifies, it does not name
            if lowered == "this" and position and words[position - 1].lower() in PREPOSITIONS:
                return ""  # "the frequency in this model, $d_j$": the model is not d_j
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
            if lowered == "of" and position and words[position - 1].lower() in _COUNTS:
                phrase.insert(0, word)  # "the number of walkers $K$": the number, not walkers
                counting = True
                continue
            if not (through_of and lowered == "of"):
                break
        plural = bool(phrase) and phrase[-1].lower().endswith("s") and not counting
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
        if (
            counting
            and phrase[0].lower() in _COUNTS
            and (not re.fullmatch(r"[\w-]+", word) or lowered in NOT_NOUNS - {"of"})
        ):
            break  # "to number of new infections ($I_t$)": the count, without a determiner
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


def _plain_noun(word: str) -> bool:
    """A word of a bare noun phrase: lower-case, no verb, no clause word ("density",
    "kinematic", "surface"; not "use", "define", "having")."""
    return (
        re.fullmatch(r"[a-z][a-z-]*", word) is not None
        and word not in VERBS | CLAUSE_START | NOT_NOUNS | ACTS_ON
        and not word.endswith("ing")
    )


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


def apposition_before(before: str) -> str:
    """A noun phrase set off by a comma right before a formula, from its determiner at the
    start of a clause: "the number of iterations for the token at index $t$, $N_t$"."""
    if not before.rstrip().endswith(","):
        return ""
    tokens = re.findall(_WORD + "|" + MATH + r"\d+" + MATH + r"|[^\w\s]", before.rstrip()[:-1])
    phrase: list[str] = []
    for position in range(len(tokens) - 1, -1, -1):
        token = tokens[position]
        lowered = token.lower()
        # "this" names nothing, but within the phrase: "the frequency in this model, $d_j$"
        inside = lowered == "this" and position and tokens[position - 1].lower() in PREPOSITIONS
        if (
            len(phrase) > 14
            or re.fullmatch(r"[^\w\s]", token)
            or (lowered in NOT_NOUNS - set(PREPOSITIONS | {"of", "and"}) and not inside)
        ):
            return ""
        phrase.insert(0, token)
        if lowered in ("the", "a", "an"):
            previous = tokens[position - 1].lower() if position else ""
            if not previous or re.fullmatch(r"[^\w\s]", previous) or previous in CLAUSE_START:
                words = [w for w in phrase if w.isalpha() and w.lower() not in DETERMINERS]
                if any(len(w) > 2 and w.lower() not in VAGUE | NOT_NOUNS for w in words):
                    return " ".join(phrase)
    return ""


def plural(phrase: str) -> bool:
    """Whether a phrase with its article names a plural ("the hyperparameters of the prior"),
    not a mass ("the mass of the stars")."""
    head = re.split(r"\s+(?:of|for|in|at|on|with)\s+", phrase)[0].split()
    return (
        len(head) > 1
        and head[0].lower() in ("the", "its", "their")
        and (re.search(r"[^usi]s$", head[-1]) is not None)
    )
