"""`lit-review --paraphrase`: a model rewrites each built sentence, and only through the check.

The model sees one sentence (built from the paper's abstract, attributed with its authors and
year) and the paper's title, and is asked for the same sentence in smoother words. The first
sentence of its answer is kept only if it passes the faithfulness check against that paper's
record, says something other than every sentence already in the section, and still names the
authors or leaves their place to galcli's citation; otherwise the built sentence stays and the
draft is reported with the reason. bench/lit_review.py measures what this changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from galcli.latex.sentences import complete_sentences, split_sentences
from galcli.model.base import Backend, GenerationParams, Message, Prompt, close_quietly
from galcli.tasks.review_prose import CITEP, CITET
from galcli.verify.faithful import Rejected, Sources, check

SYSTEM = (
    "You edit sentences of a related-work section. Rewrite the sentence so that it reads "
    "smoothly. Keep every technical term, name and number as written; add nothing; answer "
    "with one sentence."
)


def rewrite_prompt(sentence: str, title: str) -> Prompt:
    user = f"Paper: {title}\nSentence: {sentence}\n\nRewrite the sentence."
    return Prompt(
        raw=f"Paper: {title}\nSentence: {sentence}\nThe same sentence, rewritten:",
        messages=(Message("system", SYSTEM), Message("user", user)),
        stop=("\n",),
    )


def as_template(text: str, label: str, parenthetical: str) -> str:
    """The rewritten sentence with the authors' names given back to the citation marks: where
    it names them ("Mobley et al. (2012)"), the textual citation; else the citation at its end."""
    for written in (parenthetical, label):
        if written in text:
            mark = CITEP if written == parenthetical else CITET
            return text.replace(written, mark, 1)
    authors = label.rsplit(" (", 1)[0]
    if text.startswith(authors):
        return CITET + text[len(authors) :].removeprefix(f" {label[len(authors) :].strip()}")
    end = text[-1] if text[-1] in ".!?" else "."
    return f"{text.rstrip('.!?')} {CITEP}{end}"


class Rewriter:
    """Asks `backend` for each rewrite and keeps the prompts for the provenance stamp."""

    def __init__(
        self,
        backend: Backend,
        params: GenerationParams,
        on_text: Callable[[str], None] | None = None,
    ) -> None:
        self.backend = backend
        self.params = params
        self.on_text = on_text
        self.prompts: list[str] = []

    def _first_sentence(self, prompt: Prompt) -> str:
        """The model's answer up to its first complete sentence: the stream is closed there,
        which stops the model (one sentence is all that is asked for)."""
        stream = self.backend.stream(prompt, self.params)
        text = ""
        try:
            for delta in stream:
                text += delta
                if self.on_text is not None:
                    self.on_text(delta)
                if complete_sentences(text.lstrip()):
                    break
        finally:
            close_quietly(stream)
            if self.on_text is not None:
                self.on_text("\n")
        return text.strip()

    def __call__(
        self, sentence: str, title: str, sources: Sources, seen: set[str]
    ) -> tuple[str | None, Rejected | None]:
        """The rewritten sentence (plain text), or None and why it was rejected."""
        prompt = rewrite_prompt(sentence, title)
        self.prompts.append(prompt.text_for(self.backend.profile))
        answer = self._first_sentence(prompt)
        draft = (split_sentences(answer) or [""])[0]
        if not draft:
            return None, Rejected(answer, "the model wrote no sentence")
        verdict = check(draft, sources)
        if not verdict.ok:
            return None, Rejected(draft, verdict.reason())
        if " ".join(re.findall(r"\w+", draft.lower())) in seen:
            return None, Rejected(draft, "says what another sentence of the section says")
        return draft, None
