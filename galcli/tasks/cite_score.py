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
from typing import Any

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import latex_to_text
from galcli.model.base import CHAT, Backend, Prompt
from galcli.verify.citations import display_names

NEUTRAL = "This paper is about science."
MAX_CONTEXT_CHARS = 300  # the sentence: every candidate row repeats it, so length is time
BATCH = 16
_NEUTRAL_CACHE: dict[int, dict[tuple[str, str], float]] = {}


def can_score(backend: Backend) -> bool:
    """Only backends that hold a local transformers model expose token log-probabilities."""
    return getattr(backend, "model", None) is not None and hasattr(backend, "tokenizer")


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
    given_context = _log_likelihoods(backend, prefix, references)
    # The neutral prompt is the same for every sentence: each entry's score is computed once.
    known = _NEUTRAL_CACHE.setdefault(id(backend), {})
    missing = [r for r in dict.fromkeys(references) if (neutral, r) not in known]
    for reference, value in zip(missing, _log_likelihoods(backend, neutral, missing), strict=True):
        known[(neutral, reference)] = value
    given_nothing = [known[(neutral, r)] for r in references]
    gains = [a - b for a, b in zip(given_context, given_nothing, strict=True)]
    order = sorted(range(len(candidates)), key=lambda i: -gains[i])
    return [candidates[i] for i in order], Prompt(raw=prefix)


def _log_likelihoods(backend: Backend, prefix: str, continuations: Sequence[str]) -> list[float]:
    """Sum of log P(continuation tokens | prefix) for each continuation, batched."""
    if not continuations:
        return []
    import torch

    model: Any = backend.model  # type: ignore[attr-defined]
    tokenizer: Any = backend.tokenizer  # type: ignore[attr-defined]
    prefix_ids = tokenizer(prefix, add_special_tokens=True)["input_ids"]
    pad = tokenizer.pad_token_id
    if pad is None:
        pad = tokenizer.eos_token_id or 0
    results: list[float] = []
    with torch.inference_mode():
        for start in range(0, len(continuations), BATCH):
            chunk = continuations[start : start + BATCH]
            tails = [tokenizer(c, add_special_tokens=False)["input_ids"] for c in chunk]
            rows = [prefix_ids + tail for tail in tails]
            width = max(len(r) for r in rows)
            ids = torch.full((len(rows), width), pad, dtype=torch.long)
            mask = torch.zeros((len(rows), width), dtype=torch.long)
            for i, row in enumerate(rows):
                ids[i, : len(row)] = torch.tensor(row)
                mask[i, : len(row)] = 1
            device = getattr(model, "device", None)
            if device is not None:
                ids, mask = ids.to(device), mask.to(device)
            logits = model(input_ids=ids, attention_mask=mask).logits.float()
            logprobs = torch.log_softmax(logits[:, :-1], dim=-1)
            targets = ids[:, 1:]
            picked = logprobs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
            for i, tail in enumerate(tails):
                begin = len(prefix_ids) - 1  # position predicting the first tail token
                results.append(float(picked[i, begin : begin + len(tail)].sum()))
    return results
