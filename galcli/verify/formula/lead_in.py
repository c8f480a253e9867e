"""The sentence that leads into a display equation and what it says the equation defines:
"the expectation value is given by the formula", "the PSD of this process is", "we compute
… the selection coefficient of the mutant:"; and the words that close a display's sentence
after it ("where \\[…\\] is the rotational component"); and when a display that relates its
left side by ∼ or ≈ defines it all the same (`approximation`). Read by
verify/formula/definitions.py.
"""

from __future__ import annotations

import re

from galcli.latex.texlex import Definition
from galcli.verify.formula.macros import expand_macros
from galcli.verify.formula.nouns import MATH, noun_phrase, vague
from galcli.verify.formula.plain_text import clean
from galcli.verify.formula.shapes import INLINE, with_formulas
from galcli.verify.formula.words import NOT_NOUNS, adjective

_MODAL = (
    r"(?:can|could|may|might|will|would)(?:\s+(?:also|thus|then|therefore|hence|now|\w+ly))? be"
)
# "in terms of $\\psi$ and $\\theta$": what the display is written with, no part of its name
_IN_TERMS = r"(?:\s+in\s+terms\s+of\s+[^.:;,]{1,80}?)?"
_LEAD_IN = re.compile(
    r"(?:^|[.:;]\s|\b(?:then|and)\s|,\s)(?P<np>[^.:;,]{3,160}?),?\s*(?<![-\w])(?:(?:(?:is|are|"
    + _MODAL
    + r")\s+(?:\w+ly\s+)?)?(?:given|defined|computed|estimated|calculated|obtained|written|"
    r"expressed|formulated)"
    + _IN_TERMS
    + r"\s+(?:by|as)(?:\s+follows)?(?:\s+the\s+(?:following\s+)?(?:formula|expression|equation|"
    r"relation|integral|sum|series))?|"
    + _MODAL
    + r"\s+(?:\w+ly\s+)?(?:written|expressed|formulated)"
    + _IN_TERMS
    + r"|(?:(?:is|are|"
    + _MODAL
    + r")\s+)?(?:approximated|modell?ed|described|determined|characteri[sz]ed|represented)\s+"
    r"(?:by|as)|is|are|becomes|reads|(?:takes|has) the form)"
    r"(?:\s+(?:then|thus|therefore|hence|simply|now))?\s*[:,]?\s*$",  # "is then"
    re.I,
)


# "the periodogram from Eq. (\\ref{ls}) is": the period of an abbreviation ends no sentence
_ABBREVIATION = re.compile(r"\b(?:eqs?|figs?|secs?|refs?|cf|e\.g|i\.e)\.(?=[\s~(])", re.I)
_WHERE = re.compile(r",\s*where\b[^.;]*$", re.I)  # a closing clause that defines its own symbols

# "we compute its fitness and then the selection coefficient of the mutant:" (a sentence that
# computes, defines or obtains something, ending on it and a colon)
_COLON_LEAD_IN = re.compile(
    r"\b(?:computes?|computed|defines?|defined|obtains?|obtained|writes?|introduces?|gets?"
    r"|according\s+to)\b"
    r"[^.:;]*?\b(?P<np>(?:the|an?)\s[^.:;,]{3,100}?)\s*:\s*$",
    re.I,
)


_WE = r"\b(?:we|I)\s+(?:can\s+|now\s+|then\s+|also\s+)?"
# "We define the wave and the vortical energy spectra as", "We denote the displacement from … by",
# "Concretely, we define a proposal distribution"
_DEFINE_AS = re.compile(
    _WE + r"(?:define|denote)\s+(?!the\s+following\b)"
    r"(?P<np>(?:the|an?)\s(?:(?!\s(?:as|by)\s)[^.:;,]){3,100}?)"
    r"(?:\s+(?:as|by))?\s*:?\s*$",
    re.I,
)
# "The normal force on the substrate is calculated by integrating the pressure over the impact
# area:" (a way of computing it, then a colon)
_BY_DOING = re.compile(
    r"(?:^|[.:;]\s)(?P<np>[^.:;,]{3,120}?)\s+(?:is|are|can be)\s+(?:\w+ly\s+)?(?:given|defined|"
    r"computed|estimated|calculated|obtained|found|evaluated)\s+by\s+\w+ing\b[^.:;]*:\s*$",
    re.I,
)
# "We can write this as a set of indices"
_WRITE_AS = re.compile(
    _WE + r"write\s+(?:this|it|them|these)\s+as\s+(?P<np>(?:the|an?)\s[^.:;,]{3,100}?)\s*:?\s*$",
    re.I,
)
# "we can estimate the partition function of $p$ by", "and then computing the mean as", "We
# construct a simple covariance function with similar properties as follows"
_ESTIMATE_BY = re.compile(
    r"\b(?:(?:estimat|comput|calculat|approximat|evaluat|deriv)(?:e|es|ing)|"
    r"(?:construct|obtain)(?:s|ing)?)\s+"
    r"(?P<np>(?:the|an?)\s[^.:;,]{3,100}?)\s+(?:by|as|via|as\s+follows)\s*:?\s*$",
    re.I,
)
# "We define the following pre-conditioned variables"
_DEFINE_FOLLOWING = re.compile(
    _WE + r"(?:define|introduce)\s+the\s+following\s+(?P<np>[^.:;,]{3,100}?)\s*:?\s*$", re.I
)


# "The cardinality of the truncated PCE," (a sentence that is a noun phrase alone, no verb)
# or that and "follow", "read": "The likelihood functions follow:"
_NP_ALONE = re.compile(
    r"(?:^|[.:;]\s)(?P<np>(?:the|an?)\s(?:(?!\b(?:is|are|was|were|can|will|be|has|have|may|"
    r"must)\b)[^.:;,]){3,100}?)(?:\s+(?:follows?|reads?))?\s*[,:]\s*$",
    re.I,
)
# "A typical example is the root-mean-square deviation," (a main clause naming what comes, and
# a comma: "whose nodes are the sentence tokens:" says what something else is)
_IS_NP = re.compile(
    r"(?:^|[.:;]\s)(?:(?!\b(?:whose|which|that|where|who)\b)[^.:;,]){3,60}?\b(?:is|are)\s+"
    r"(?P<np>(?:the|an?)\s[^.:;,]{3,100}?)\s*,\s*$",
    re.I,
)


def lead_in(prose: str, macros: dict[str, Definition] | None = None) -> str:
    """What the sentence that ends `prose` (the paragraph before a display) says the display
    defines ("the PSD of this process is"), its formulas in Unicode with the document's
    `macros` expanded; "" for nothing."""
    words = _Words(prose, macros)
    text = _ABBREVIATION.sub(lambda m: m[0][:-1], words.text)
    # "… is given by the following integral, where $i$ denotes the imaginary unit:"
    lead = (
        _LEAD_IN.search(text)
        or _LEAD_IN.search(_WHERE.sub("", text))
        or _DEFINE_AS.search(text)
        or _WRITE_AS.search(text)
        or _ESTIMATE_BY.search(text)
        or _BY_DOING.search(text)
        or _NP_ALONE.search(text)
        or _IS_NP.search(text)
    )
    if lead is None and (lead := _DEFINE_FOLLOWING.search(text)) is not None:
        subject = _lead_subject("the " + lead["np"])  # "we define the following variables"
    elif lead is None and (lead := _COLON_LEAD_IN.search(text)) is not None:
        subject = _lead_subject(lead["np"].split(" as ")[0])  # "define the loss as the sum:"
    elif lead is not None and _coordinated(lead):
        subject = ""  # "the normal vector $n$ and the gradient vector $\\nabla T$ are given by"
    else:
        subject = _lead_subject(lead["np"]) if lead is not None else ""
        if lead is not None and not subject and _sentence_start(text, lead.start("np")):
            subject = _bare_subject(lead["np"])  # "Potential vorticity, defined as"
    return words.rendered(subject)


_APPROXIMATED = re.compile(r"\bapproximated\s+(?:by|as)\s*:?\s*$", re.I)
_APPROXIMATELY = re.compile(r"\\(?:approx|simeq|sim)(?![A-Za-z])")
_WHERE_DISPLAY = re.compile(r"\bwhere\s*,?\s*$", re.I)
_SIM = re.compile(r"\\sim(?![A-Za-z])")
# what names a relation, not its left side: "the asymptotic relation for small r: T ∼ …"
_RELATION_NOUN = re.compile(
    r"\b(?:relation|equation|expression|formula|approximation|law|behaviou?r|scaling|form|limit)"
    r"s?$"
)


def approximation(
    prose: str, written: str, macros: dict[str, Definition] | None = None
) -> tuple[str, bool] | None:
    """A display that relates its left side by ∼, ≈ or ≃ (`written`), as one that defines it
    by "=", when the words around it say what its left side is: a lead-in that names a
    quantity before ∼ ("The likelihood functions follow: ℒ(λ) ∼ ∏ 𝒩(…)", not "the asymptotic
    relation for small r"), a sentence that says it approximates ("a selection coefficient
    which can be approximated by: s ≃ …"), or a "where" whose closing words alone name it
    ("where ε_i(t) ∼ … are the viscous dissipation rates": True). `prose`: the paragraph
    before the display. None otherwise."""
    rows = written.replace("&", " ")
    if _SIM.search(rows) and (subject := lead_in(prose, macros)):
        head = re.split(r"\s+(?:for|of|in|at|with|between|near|on)\s+", subject)[0]
        if not _RELATION_NOUN.search(head):
            return _SIM.sub("=", rows, count=1), False
    if _APPROXIMATED.search(prose[-60:]):
        return _APPROXIMATELY.sub("=", rows, count=1), False
    if _WHERE_DISPLAY.search(prose[-20:]):
        return _APPROXIMATELY.sub("=", rows, count=1), True
    return None


class _Words:
    """Prose with its formulas set apart while it is read (MATH + index + MATH: "a
    CARMA$(J, K)$ model" is one phrase), and a phrase of it rendered back, each formula in
    Unicode with the document's `macros` expanded."""

    def __init__(self, prose: str, macros: dict[str, Definition] | None) -> None:
        self.inline: list[str] = []
        self.macros = macros or {}
        self.text = clean(INLINE.sub(self._aside, prose))

    def _aside(self, match: re.Match[str]) -> str:
        self.inline.append(match["a"] if match["a"] is not None else match["b"])
        return f"{MATH}{len(self.inline) - 1}{MATH}"

    def rendered(self, phrase: str) -> str:
        return with_formulas(phrase, lambda i: expand_macros(self.inline[i], self.macros)[0])


def _coordinated(lead: re.Match[str]) -> bool:
    """Whether a lead-in's subject is the last of two nouns joined by "and" before a plural
    verb: each names a row of its own, and which row is which the words do not say."""
    before = lead.string[: lead.start("np")] + lead["np"]
    after = lead.string[lead.end("np") :]
    conjunct = list(re.finditer(r"\band\s+(?:the|an?)\s", before, re.I))
    if not conjunct or not re.match(r"\s*,?\s*(?:are|were)\b", after):
        return False
    first = re.split(  # its clause, up to the "and"
        r"[.:;]\s|\b(?:that|which|where|when|if|whereas|while)\b", before[: conjunct[-1].start()]
    )[-1]
    # not two clauses: "where $Q$ is a parameter and the frequencies are given by"
    return bool(re.search(r"\b(?:the|an?)\s", first, re.I)) and not re.search(
        r"\b(?:is|are|was|were|be|been|has|have|had)\b", first, re.I
    )


def _sentence_start(text: str, position: int) -> bool:
    return not text[:position].strip() or re.search(r"[.:;]\s*$", text[:position]) is not None


def _bare_subject(phrase: str) -> str:
    """A noun phrase without a determiner that opens its sentence ("Potential vorticity"):
    a few words, capitalised, the last a noun."""
    words = phrase.split()
    if not 1 <= len(words) <= 4 or not words[0][:1].isupper():
        return ""
    if any(not w.isalpha() or w.lower() in NOT_NOUNS for w in words) or adjective(words[-1]):
        return ""
    return "" if vague(phrase) else " ".join(words)


def _lead_subject(phrase: str) -> str:
    """The noun phrase a lead-in sentence names ("An estimate of the (true) expectation value
    of a random quantity"), or "" when it is no noun phrase."""
    # the clause that leads in: "operations when the covariance function is given by"
    if relative := re.search(r"^(?P<before>.*)\b(?:which|that)\s*$", phrase, re.I):
        # "a negative selection coefficient which (can be approximated by)"
        last = list(re.finditer(r"\b(?:the|an?)\s", relative["before"], re.I))
        phrase = relative["before"][last[-1].start() :] if last else ""
    phrase = re.split(
        r"\b(?:if|when|where|whereas|while|which|since|because|then|so(?: that)?|thus|hence|here|"
        r"now)\b"
        r"|\band(?=\s+(?:the|a|an)\s)",
        phrase,
        flags=re.I,
    )[-1].strip()
    # a relative clause after the noun: "a weight matrix that is interpreted as …", and the
    # verb of a clause that goes on to a colon ("the conditional probability is estimated")
    phrase = re.split(r"\s+(?:that|which)\s+(?:is|are|was|were|has|have|can|will)\b", phrase)[0]
    phrase = re.split(r"\s+(?:is|are|was|were|can|could|may|might|must|will|would)\s", phrase)[0]
    phrase = re.sub(r"\(\s*\)", " ", phrase)  # a reference's parentheses, emptied
    phrase = " ".join(phrase.split())
    # "the periodogram from \eq{ls}": a preposition whose reference was blanked
    phrase = re.sub(
        r"\s+(?:from|in|of|by|with|at|on)(?:\s+(?:eqs?|equations?))?$", "", phrase, flags=re.I
    )
    # "the following expression for the strain amplitude": the strain amplitude
    phrase = re.sub(
        r"^(?:the\s+following|an?)\s+(?:expression|equation|formula|relation)\s+for\s+", "", phrase
    )
    words = phrase.split()
    if not words or len(words) > 16 or words[0].lower() not in ("the", "a", "an", "its", "their"):
        return ""
    return "" if vague(phrase) else phrase


# "where \[ u_r = … \] is the rotational component", "where \begin{eqnarray} T_K = …,
# C = … \end{eqnarray} are spectral transfer and conversion terms"
_LEAD_OUT = re.compile(
    r"\s*,?\s*(?P<verb>is|are|denotes|denote|represents|represent)\s+(?P<rest>.*)", re.S
)
_WHERE_BEFORE = re.compile(r"\b(?:where|with)\s*,?\s*$", re.I)


def lead_out(
    before: str, after: str, macros: dict[str, Definition] | None = None
) -> tuple[str, bool]:
    """What the words that close a display's sentence say it defines, and whether they say it
    of every row ("are …"): `before` is the prose before the display, `after` the prose after
    it (its formulas rendered with the document's `macros`). Only in a "where" clause: "where
    \\[…\\] is …" ("\\[…\\] is conserved" says nothing of what it is)."""
    words = _Words(after, macros)
    match = _LEAD_OUT.match(words.text)
    if match is None or not _WHERE_BEFORE.search(before):
        return "", False
    phrase = noun_phrase(match["rest"]) or ""
    phrase = re.sub(r"\s+(?:and|or)$", "", phrase)  # "… component and \\[…\\] is …"
    plural = match["verb"] in ("are", "denote", "represent")
    named = re.match(r"(?:the|an?|its|their)\s", phrase, re.I) or (plural and phrase.endswith("s"))
    if not phrase or not named or vague(phrase):
        return "", False
    return words.rendered(phrase), plural
