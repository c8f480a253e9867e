"""What "…, respectively" gives each formula of a run: "$W$ and $\\tau$ are the height of the
Gaussian and the deposition stride, respectively" (W the height, τ the stride), "the primary
and secondary masses" (the primary mass, the secondary mass). Read by
verify/formula/definitions.py.
"""

from __future__ import annotations

import re

from galcli.verify.formula.prose import Found

_DETERMINED = re.compile(r"(?:the|an?|its|their)\s", re.I)
_ITEMS = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
_PAIR = re.compile(
    r"(?P<before>(?:the|an?)\s+(?:(?!(?:of|for|in|on|at|with|between)\s)[\w-]+\s+)*?)"
    r"(?P<a>[\w-]+)\s+and\s+(?P<b>[\w-]+)",
    re.I,
)
# "the primary and secondary masses": the words before one head noun
_SHARED_HEAD = re.compile(
    r"(?P<det>the|an?)\s+(?P<items>[\w-]+(?:,\s*[\w-]+)*,?\s+and\s+[\w-]+)\s+(?P<head>.+)", re.I
)
_LIST = re.compile(
    r"\s*,?\s*(?:are|were|denote|represent)\s+(?P<list>[^.;:()]{3,200}?),?\s+respectively\b", re.I
)
_NEXT_DETERMINED = re.compile(r"(?:,\s*(?:and\s+)?|\s+and\s+)(?=(?:the|an?|its|their)\s)", re.I)


def respective(phrase: str, count: int) -> list[str] | None:
    """What "…, respectively" gives each of `count` formulas, one by one: "the height of the
    Gaussian and the deposition stride", "the primary and secondary masses" (the primary mass,
    the secondary mass); None when the phrase does not split into as many."""
    parts = _NEXT_DETERMINED.split(phrase)
    if len(parts) == count and all(_DETERMINED.match(p) for p in parts):
        return parts
    shared = _SHARED_HEAD.fullmatch(phrase)
    if shared is None and count == 2 and (pair := _PAIR.fullmatch(phrase)):
        # "the observed sensitivity and specificity": what stands before is both's
        return [f"{pair['before']}{pair['a']}", f"{pair['before']}{pair['b']}"]
    if shared is None or len(items := _ITEMS.split(shared["items"])) != count:
        return None
    head = re.sub(r"(?:(?<=ss)es|(?<=[cs]h)es|(?<=x)es|(?<![su])s)$", "", shared["head"])
    head = re.sub(r"ie$", "y", head) if shared["head"].endswith("ies") else head
    if head == shared["head"]:
        return None  # "the x and y coordinate": no plural, no one item each
    return [f"{shared['det']} {item} {head}" for item in items]


def respectively(shared: Found, count: int, after: str) -> list[Found]:
    """What the words around a run of `count` formulas say of each (`shared`: of them all),
    split one by one when `after` goes on "…, respectively"."""
    if not re.search(r"\brespectively\b", after, re.I):
        return [shared] * count
    # the phrase read stops at a comma: "are the energy, the mass and the speed of light,
    # respectively" is read again whole, up to its "respectively"
    whole = _LIST.match(after)
    split = [
        (respective(what, count) or (whole and respective(whole["list"], count)) or None)
        if how == "is"
        else None
        for how, what in shared
    ]
    # what does not split into as many parts is said of none of them ("$E$ and $m$ are the
    # energy, the mass and the momentum, respectively": which is which, the words do not say)
    return [
        [
            (how, part[n]) if part else (how, what)
            for (how, what), part in zip(shared, split, strict=True)
            if part or how != "is" or not whole
        ]
        for n in range(count)
    ]
