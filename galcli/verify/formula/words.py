"""The word lists that read a paper's prose around a formula (verify/formula/prose.py):
which words name a thing, which only qualify it, and which verbs act on a formula.
"""

from __future__ import annotations

import re

# Verbs in the third person that a count pattern ("of $n$ samples") must not take for a
# plural noun.
VERBS_S = set(
    "yields gives shows means becomes follows holds denotes represents equals reads takes has "
    "is was does goes leads makes needs uses remains converges tends varies depends increases "
    "decreases grows changes scales exists appears occurs determines reveals concentrates "
    "contains requires".split()
)

# Words that are no part of a noun phrase.
NOT_NOUNS = set(
    "is are was were be been being has have had do does did can could may might must shall will "
    "would should we i you he she it they our their its this that these those there here "
    "not no also then thus hence so very more most less least such as of in on at by for from "
    "with to into onto over under between through during via per than and or but if while "
    "when where which who whose whom how what why about regarding concerning against within "
    "without like since because although unless until whether either neither nor only before "
    "after".split()
)

# Words that do not say what a thing is ("the following", "the same", "the above").
VAGUE = set(
    "following above below same previous next former latter first last other rest case "
    "cases example examples one ones result results expression expressions term terms formula "
    "formulas equation equations relation relations quantity quantities value values thing "
    "things element elements definition definitions form corresponding final resulting general "
    "full complete overall new way ways manner follows".split()
)

DETERMINERS = set(
    "the a an one each every our its their this that some any all both two three".split()
)

# Verbs that end a plural noun phrase read backwards ("we collect sentence pairs $(a_i, p_i)$").
VERBS = set(
    "use uses used collect collects collected compute computes computed obtain obtains obtained "
    "consider considers considered introduce introduces introduced assign assigns assigned "
    "apply applies applied sample samples sampled draw draws drawn train trains trained learn "
    "learns learned map maps mapped build builds built take takes took get gets got produce "
    "produces produced output outputs note notes noted".split()
)

# Subjects: the word after one is its verb ("we optimize parameters $\\Theta$").
SUBJECTS = set("we i you they he she it one".split())

PREPOSITIONS = set(
    "of for at from with on over in into between per across among along around".split()
)
# "to" as part of a preposition ("up to time $t$", "due to pressure $p$"), not of an
# infinitive ("to compute $x$")
TO_PREPOSITIONS = set("up due respect relative according proportional close prior".split())

# Verbs in -ing that act on the formula right after them ("by increasing $N_e$"; in "spacing
# $\\Delta t$", "observing times $t_n$" and "increasing measurement error $\\sigma'$" a noun does).
GERUNDS = set(
    "increasing decreasing adding including using varying changing fixing choosing taking "
    "removing replacing computing defining solving applying reducing raising lowering keeping "
    "multiplying dividing subtracting summing integrating differentiating setting involving "
    "containing studying bounding counting recovering meaning estimating evaluating finding "
    "obtaining considering minimizing minimising maximizing maximising optimizing optimising "
    "approximating comparing measuring observing plotting".split()
)

# Verbs that stand right before what they act on and are no plural nouns.
ACTS_ON = set(
    "requires contains removes equals informs yields gives creates optimizes optimises "
    "minimizes minimises maximizes maximises".split()
)

# Nouns that "a … of $x$" applies to x rather than names x with ("a function of $x$", "a batch
# of $n$", "a multiple of $k$").
OF_ARGUMENT = set(
    "function functions batch set sets number sum product collection series sequence list group "
    "fraction multiple factor power order subset member element part copy version value values "
    "change increase decrease derivative integral transform estimate measure".split()
)

# Words after which a clause starts: an apposition set off by a comma may follow.
CLAUSE_START = set(
    "define defines defined denote denotes denoted call calls called compute computes computed "
    "is are be as with where given and or then".split()
)

# Nouns with an adjective's ending ("the gradient $g$", "a constant $c$").
NOUNS_LIKE_ADJECTIVES = set(
    "agent element component moment coefficient gradient segment constant variant parent "
    "student patient client event content extent percent incident instant quadrant "
    "determinant invariant objective derivative alternative representative negative positive "
    "potential exponential differential integral interval total signal label channel kernel "
    "level model panel vessel symbol vocabulary variable table cable".split()
)

# Adjectives and adverbs that qualify a symbol without naming it ("for small $P$", "for
# general $We$", "of approximately $c$", "the joint $x, y$ distribution").
QUALIFIERS = set(
    "small large big high low long short general joint fixed finite infinite arbitrary certain "
    "typical sufficient smaller larger higher lower greater bigger nonzero non-zero new same "
    "different various several many few real complex original local global initial multiple"
    "".split()
)

# Nouns that end as adverbs do.
NOUNS_LIKE_ADVERBS = set("family assembly anomaly supply reply butterfly".split())


def adjective(word: str) -> bool:
    """Whether the word a noun phrase ends on looks like an adjective or an adverb ("two
    adjacent $x$", "for small $P$", "approximately $c$"): the head of a phrase that names a
    symbol is a noun."""
    lowered = word.lower()
    if lowered in NOUNS_LIKE_ADJECTIVES | NOUNS_LIKE_ADVERBS:
        return False
    if lowered in QUALIFIERS or (lowered.endswith("ly") and len(lowered) > 4):
        return True
    if re.search(r"[^e]ed$|^given$", lowered):  # a participle: "each observed $y$", "a given $x$"
        return True
    return bool(re.search(r"(?:ent|ant|ive|ous|ful|less|ible|able|ical|ary)$", lowered))
