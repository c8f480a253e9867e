"""The sentences of a related-work section, built from the cited entries' own words.

Per paper, one abstract sentence (ranked in `review_notes`) is compressed by deletion only (a
leading "Here," or "In this paper,", parentheses, numbered references, the clauses after a
semicolon of a long sentence) and attributed with the entry's own authors and year:

- "We present X" -> "CITET present X" (the verb agrees with a single author: "Smith presents X"),
  and a later "we", "our" or "us" becomes "they", "their" or "them";
- "This paper presents X" -> "CITET present X"; "This paper is X" -> "The paper by CITET is X";
- any other sentence takes the forms in turn: "S CITEP.", "CITET report that s.", "According to
  CITET, s." (the first word is lower-cased only where the entry itself writes it so; otherwise
  the first form).

An entry without an abstract is described by its title, in a sentence that says so. A theme's
opening only restates the theme. The words the templates add are
TEMPLATE_WORDS, a source of every sentence for the faithfulness check: none of them is a claim
about a paper. CITET and CITEP mark where the renderer puts `\\citet{key}` and `\\citep{key}`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from galcli.bib.words import ignored_words, is_name

CITET, CITEP = "⟨citet⟩", "⟨citep⟩"
TEMPLATE_WORDS = (
    "report that according to the paper by only the title of is at hand known here its for we "
    "first review work on other studies concern a further group of addresses subject"
)
MAX_WORDS = 45  # a longer sentence loses the clauses after its last fitting semicolon

_LEAD = re.compile(
    r"^(?:(?:here(?:in)?|in (?:this|the present|our) (?:paper|work|study|article|review|"
    r"contribution|letter|report|chapter|thesis|communication)|to this end|in addition|"
    r"additionally|moreover|furthermore|finally|however|thus|therefore|overall|importantly|"
    r"specifically|in particular|in summary|in conclusion|to summarize|taken together|first|"
    r"second|third|next|then|also|accordingly|yet|indeed|nevertheless|nonetheless|notably|"
    r"interestingly|consequently|hence|instead|as a result)\b\s*,?\s*)+",
    re.I,
)
# a structured abstract's section label: "Background: …"
_LABEL = re.compile(
    r"^(?:background|results?|methods?|conclusions?|objectives?|purpose|aims?|motivation|"
    r"significance|findings|summary|abstract|introduction)\s*:\s*",
    re.I,
)
_WE = re.compile(
    r"^we\s+(?P<adverb>(?:also|further|then|now|first|finally|additionally|therefore|thus|"
    r"recently|here|subsequently|systematically|carefully)\s+)?(?P<verb>[a-z]+)\b(?P<rest>.*)$",
    re.I | re.S,
)
_SELF = re.compile(
    r"^(?:this|the present|our) (?P<noun>paper|work|study|article|review|contribution|letter|"
    r"report|chapter|thesis|communication)\s+(?P<verb>[a-z]+)\b(?P<rest>.*)$",
    re.I | re.S,
)
_FIRST_PERSON = {"we": "they", "our": "their", "us": "them", "ourselves": "themselves"}
_BE = {"is", "was", "has", "are", "were", "have"}
_MODALS = {"can", "could", "will", "would", "shall", "should", "may", "might", "must"}
_PAST = set(
    "found made built gave took wrote ran chose began sought brought thought led set put showed "
    "shown drew held met".split()
)
_SINGULAR = {"have": "has", "are": "is", "were": "was", "do": "does", "go": "goes"}
_PLURAL = {v: k for k, v in _SINGULAR.items()}


def compress(sentence: str) -> str:
    """`sentence` with what a related-work sentence does without deleted; nothing added."""
    text = _LEAD.sub("", _LABEL.sub("", sentence.strip()))
    if "$" not in text:  # math keeps its parentheses
        previous = None
        while previous != text:
            previous = text
            text = re.sub(r"\s+\([^()]*\)", "", text)
    text = re.sub(r"\s+\[\d[\d,;\s–-]*\]", "", text)  # numbered references: "[12, 14]"
    if len(text.split()) > MAX_WORDS:
        head = text
        while ";" in head and len(head.split()) > MAX_WORDS:
            head = head.rsplit(";", 1)[0]
        if len(head.split()) >= 8 and head != text:
            text = head
    text = re.sub(r"\s+([,.;:!?])", r"\1", " ".join(text.split())).rstrip(" ,;:")
    if text and text[-1] not in ".!?":
        text += "."
    return text[:1].upper() + text[1:]


def third_person(verb: str) -> str:
    """ "present" -> "presents" (for a single author); past tenses and modals as they are."""
    low = verb.lower()
    if low in _MODALS or low in _PAST or low.endswith("ed") or re.search(r"[^s]s$", low):
        return verb
    if low in _SINGULAR:
        return _SINGULAR[low]
    if re.search(r"(?:sh|ch|ss|x|z|o)$", low):
        return verb + "es"
    if re.search(r"[^aeiou]y$", low):
        return verb[:-1] + "ies"
    return verb + "s"


def plural(verb: str) -> str:
    """ "presents" -> "present" (for several authors); other forms as they are."""
    low = verb.lower()
    if low in _PLURAL:
        return _PLURAL[low]
    if not low.endswith("s") or low.endswith("ss") or low in _PAST:
        return verb
    if low.endswith("ies"):
        return verb[:-3] + "y"
    if re.search(r"(?:sses|shes|ches|xes)$", low):
        return verb[:-2]
    return verb[:-1]


def _third_persons(text: str) -> str:
    return re.sub(
        r"\b(we|our|us|ourselves)\b",
        lambda m: _FIRST_PERSON[m.group(1).lower()],
        text,
        flags=re.I,
    )


def self_attributed(core: str, singular: bool) -> str | None:
    """`core` with the paper speaking of itself ("We show", "This study presents") turned into
    the authors speaking (CITET), or None when it does not speak of itself."""
    we = _WE.match(core)
    if we is not None:
        verb = third_person(we["verb"]) if singular else we["verb"]
        return f"{CITET} {we['adverb'] or ''}{verb}{_third_persons(we['rest'])}"
    this = _SELF.match(core)
    if this is None:
        return None
    if this["verb"].lower() in _BE:
        return f"The {this['noun'].lower()} by {CITET} {this['verb']}{_third_persons(this['rest'])}"
    verb = this["verb"] if singular else plural(this["verb"])
    return f"{CITET} {verb}{_third_persons(this['rest'])}"


def _lowered(core: str, writes_lower: Callable[[str], bool]) -> str | None:
    """`core` with its first word lower-cased, or None when that could be wrong (a name)."""
    first = core.split(" ", 1)[0]
    low = first.lower()
    if is_name(first):
        return core
    if low in ignored_words() or writes_lower(low):
        return low + core[len(first) :]
    return None


def attributed(core: str, turn: int, singular: bool, writes_lower: Callable[[str], bool]) -> str:
    """The sentence for `core`, an abstract sentence compressed; `turn` picks the form."""
    own = self_attributed(core, singular)
    if own is not None:
        return own
    lowered = _lowered(core, writes_lower)
    forms = [f"{core[:-1]} {CITEP}{core[-1]}"]
    if lowered is not None:
        forms += [f"{CITET} report that {lowered}", f"According to {CITET}, {lowered}"]
    return forms[turn % len(forms)]


def title_only(title: str, turn: int) -> str:
    """The sentence for an entry without an abstract: its title, saying so."""
    title = title.rstrip(".")
    forms = [
        f"Only the title of {CITET} is at hand: “{title}”.",
        f"{CITET} is known here only by its title, “{title}”.",
        f"For {CITET}, only the title is at hand: “{title}”.",
    ]
    return forms[turn % len(forms)]


def in_sentence(heading: str) -> str:
    """A heading inside a sentence: lower-cased first letter unless it starts with a name."""
    first = heading.split(" ", 1)[0]
    return heading if is_name(first) else heading[:1].lower() + heading[1:]


def opening(heading: str, turn: int) -> str:
    """A theme's first sentence: the theme restated; no claim."""
    theme = in_sentence(heading)
    if turn == 0:
        return f"We first review work on {theme}."
    forms = [
        f"Other studies concern {theme}.",
        f"A further group of studies addresses {theme}.",
        f"{heading} is the subject of further work.",
    ]
    return forms[(turn - 1) % len(forms)]


def plain(template: str, label: str, parenthetical: str) -> str:
    """The sentence as text: CITET as "Mobley et al. (2012)", CITEP as "(Mobley et al., 2012)"."""
    return " ".join(template.replace(CITET, label).replace(CITEP, parenthetical).split())
