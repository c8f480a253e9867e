"""A model's plain-language paraphrase of a built explanation, kept sentence by sentence only
where it passes the faithfulness check (verify/faithful.py) against what the explanation rests
on: the formula, its symbols and their definitions. A sentence that names a symbol, a number, a
person or a law the sources lack is rejected with the reason, and shown on stderr only.

bench/explain_formula.py measures what the paraphrase keeps on the corpus equations; the
default `explain-formula` loads no model (README, docs/explain-formula.md).
"""

from __future__ import annotations

from collections.abc import Callable

from galcli.model.base import Backend, GenerationParams, Message, Prompt
from galcli.provenance.stamp import provenance_for
from galcli.tasks.explain_formula import Explanation
from galcli.verify.faithful import sift

SYSTEM = (
    "You rewrite explanations of scientific formulas in plain language for a researcher. Keep "
    "every symbol as written. Say only what the explanation says: add no names, laws, "
    "numbers or facts."
)


def paraphrase_prompt(result: Explanation) -> Prompt:
    user = f"Formula: {result.unicode}\n\nExplanation: {result.explanation}\n\nRewrite it."
    raw = (
        f"Formula: {result.unicode}\nExplanation: {result.explanation}\n"
        "The same explanation in plain words:"
    )
    return Prompt(raw=raw, messages=(Message("system", SYSTEM), Message("user", user)))


def paraphrase(
    result: Explanation,
    backend: Backend,
    params: GenerationParams | None = None,
    on_text: Callable[[str], None] | None = None,
) -> Explanation:
    """Ask the model to paraphrase `result.explanation`; keep the sentences that pass."""
    params = params or GenerationParams()
    prompt = paraphrase_prompt(result)
    text = backend.generate(prompt, params, on_text).text.strip()
    result.model = backend.model_id
    result.provenance = provenance_for(backend, prompt, params)
    kept, rejected = sift(text, result.sources())
    result.rejected += rejected
    result.paraphrase = " ".join(kept) or None
    if not text:
        result.warnings.append("the model wrote nothing")
    return result
