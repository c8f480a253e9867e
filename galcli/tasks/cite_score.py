"""The model's scoring path for `galcli cite`: how much the context raises the likelihood of an
entry's reference text.

For each retrieved candidate, score = log P(reference | context) - log P(reference | neutral
prompt): the entry's own prior likelihood (short, common titles are likely anywhere) cancels,
and what remains is how much the sentence makes the model expect this work. The reference
text is "Title, First-author" in Galactica's `[START_REF] … [END_REF]` form for Galactica
checkpoints and as a plain "Reference:" line otherwise. All candidates go through the model
in two batched forward passes (context, neutral), so the cost is two passes per sentence, not
a generation.
"""

from __future__ import annotations

from collections.abc import Sequence

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import latex_to_text
from galcli.model.base import CHAT, Backend, Prompt
from galcli.verify.citations import display_names

NEUTRAL = "This paper is about science."
MAX_CONTEXT_CHARS = 300  # the sentence: every candidate row repeats it, so length is time
_NEUTRAL_CACHE: dict[int, dict[tuple[str, str], float]] = {}


def can_score(backend: Backend) -> bool:
    """Only local models expose token log-probabilities (`Backend.log_likelihoods`)."""
    return backend.scores_text


def reference_text(entry: BibEntry) -> str:
    names = display_names(entry.author)
    title = " ".join(latex_to_text(entry.title).split())
    return f"{title}, {names[0]}" if names else title


def _prompts(backend: Backend, context: str) -> tuple[str, str, str, str]:
    """(context prefix, neutral prefix, reference opening, reference closing)."""
    context = " ".join(context.split())[-MAX_CONTEXT_CHARS:]
    if backend.profile == CHAT:
        return f"{context}\nReference: ", f"{NEUTRAL}\nReference: ", "", "\n"
    return f"{context} [START_REF] ", f"{NEUTRAL} [START_REF] ", "", " [END_REF]"


def likelihood_ranking(
    backend: Backend, context: str, candidates: Sequence[BibEntry]
) -> tuple[list[BibEntry], Prompt]:
    """`candidates` ordered by likelihood gain (best first), and the prompt that was used."""
    if not candidates:
        return [], Prompt(raw=context)
    prefix, neutral, opening, closing = _prompts(backend, context)
    references = [f"{opening}{reference_text(e)}{closing}" for e in candidates]
    given_context = backend.log_likelihoods(prefix, references)
    # The neutral prompt is the same for every sentence: each entry's score is computed once.
    known = _NEUTRAL_CACHE.setdefault(id(backend), {})
    missing = [r for r in dict.fromkeys(references) if (neutral, r) not in known]
    for reference, value in zip(missing, backend.log_likelihoods(neutral, missing), strict=True):
        known[(neutral, reference)] = value
    given_nothing = [known[(neutral, r)] for r in references]
    gains = [a - b for a, b in zip(given_context, given_nothing, strict=True)]
    order = sorted(range(len(candidates)), key=lambda i: -gains[i])
    return [candidates[i] for i in order], Prompt(raw=prefix)
