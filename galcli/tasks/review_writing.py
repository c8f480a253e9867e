"""What `galcli lit-review` asks the model, and how it reads the answer.

Prompts are short on purpose: on the embedded 135M model every prompt token and every generated
token costs time on a shared CPU, and a model that is shown one paper's note and asked for one
sentence stays closer to that note than one shown a whole theme. Generation stops at the end of
the sentences asked for (the stream is closed, which stops the model), not at a token limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from galcli.model.base import Backend, GenerationParams, Message, Prompt, close_quietly
from galcli.tasks.review_notes import Note

PAPER_SYSTEM = (
    "You summarize scientific papers. Answer with one short sentence that restates what the "
    "paper did, using the words of the excerpt. Do not add facts."
)
REPHRASE_SYSTEM = "Summarize the text in one sentence."
OPENING_SYSTEM = (
    "You write the first sentence of a paragraph in a related-work section. Answer with one "
    "short sentence that says what the listed papers have in common. Do not add facts."
)
PARAGRAPH_SYSTEM = (
    "You write the related-work section of a scientific paper. Write one paragraph about the "
    "papers given, using only what their notes say. Cite a paper by writing its key in square "
    "brackets, e.g. [smith2020], right after the claim it supports. Cite only the keys given. "
    "Do not invent results."
)
# [key], [key1, key2], \cite{a,b}, \citep[..]{a}, [@key]
_CITATION = re.compile(r"\\[A-Za-z]*cite[A-Za-z]*\*?(?:\[[^\]]*\])*\{([^{}]*)\}|\[@?([^\[\]]+)\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\\\[])")
# the end of a sentence, once the space after it has arrived ("e.g. " and "3.5" do not count)
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\b[a-z]\.[a-z])(?<!\be\.g)(?<!\bi\.e)[.!?][\"')\]]?\s")


def _note_text(note: Note) -> str:
    excerpt = " ".join(note.quotes) if note.quotes else f"(no abstract; venue: {note.venue})"
    return f'Title: {note.title}\nAuthors: {note.authors} ({note.year})\nExcerpt: "{excerpt}"'


def paper_prompt(topic: str, note: Note) -> Prompt:
    """One sentence about one paper, from its note (galcli attaches the citation)."""
    text = _note_text(note)
    return Prompt(
        raw=f"{text}\nOne-sentence summary of what the paper did:",
        messages=(
            Message("system", PAPER_SYSTEM),
            Message("user", f"{text}\n\nIn one sentence, what did this paper do?"),
        ),
        stop=("\n",),
    )


def rephrase_prompt(note: Note) -> Prompt:
    """The second try for a paper: summarize its title and quotations, nothing else shown
    (on the embedded model this stays closer to the note than the first prompt's question)."""
    text = f"{note.title}. {' '.join(note.quotes) or note.venue}".strip()
    return Prompt(
        raw=f"{text}\nSummary in one sentence:",
        messages=(Message("system", REPHRASE_SYSTEM), Message("user", text)),
        stop=("\n",),
    )


def complete_sentence(text: str) -> str:
    """`text` ending in a full stop: a clause cut off by the token limit is dropped back to the
    last comma (when that leaves eight words or more); otherwise the cut is shown with "…"."""
    text = text.strip()
    if not text or text[-1] in ".!?":
        return text
    head = text.rsplit(",", 1)[0]
    if head != text and len(head.split()) >= 8:
        return head.rstrip() + "."
    return text + " …"


def opening_prompt(topic: str, theme: str, notes: Sequence[Note]) -> Prompt:
    titles = "\n".join(f"- {n.title}" for n in notes)
    user = f"Topic: {topic}\nPapers:\n{titles}\n\nOne sentence introducing these papers:"
    return Prompt(
        raw=f"# Related work: {topic}\n\nPapers:\n{titles}\n\nThese papers",
        messages=(Message("system", OPENING_SYSTEM), Message("user", user)),
        stop=("\n",),
    )


def paragraph_prompt(topic: str, theme: str, notes: Sequence[Note]) -> Prompt:
    """A whole paragraph from a theme's notes, citing with [key] (for capable models)."""
    listing = "\n".join(
        f"[{n.key}] {n.title} ({n.authors}, {n.year}). {' '.join(n.quotes)}".rstrip() for n in notes
    )
    user = (
        f"Topic of the review: {topic}\nTheme of this paragraph: {theme}\n\n"
        f"Papers:\n{listing}\n\nWrite the paragraph, citing with [key]."
    )
    raw = (
        f"# Related work: {topic}\n\n## {theme}\n\nReferences:\n{listing}\n\n"
        f"Paragraph (citing with [key]):\n"
    )
    return Prompt(
        raw=raw,
        stop=("\n\n#", "\n\nReferences"),
        messages=(Message("system", PARAGRAPH_SYSTEM), Message("user", user)),
    )


def write_short(
    backend: Backend,
    prompt: Prompt,
    params: GenerationParams,
    on_text: Callable[[str], None] | None = None,
    *,
    sentences: int = 1,
) -> str:
    """The model's answer, cut after `sentences` sentences (0: the whole answer). The stream is
    closed as soon as they are complete, so the model stops generating there."""
    stream = backend.stream(prompt, params)
    text = ""
    try:
        for delta in stream:
            text += delta
            if on_text is not None:
                on_text(delta)
            if sentences and len(_SENTENCE_END.findall(text.lstrip())) >= sentences:
                break
    finally:
        close_quietly(stream)
    if on_text is not None:
        on_text("\n")
    if sentences:
        ends = list(_SENTENCE_END.finditer(text.lstrip()))
        if len(ends) >= sentences:
            text = text.lstrip()[: ends[sentences - 1].end()]
    return text.strip()


def split_citations(text: str) -> list[tuple[str, list[str]]]:
    """Sentences of `text` with the keys each cites (citation markup removed from the text)."""
    sentences = []
    for raw in _SENTENCE.split(" ".join(text.split())):
        keys: list[str] = []
        for match in _CITATION.finditer(raw):
            group = match.group(1) if match.group(1) is not None else match.group(2)
            keys += [k.strip().lstrip("@") for k in re.split(r"[,;]", group) if k.strip()]
        prose = re.sub(r"\[[^\]]*$", "", _CITATION.sub("", raw))  # and an unclosed "[key…"
        prose = re.sub(r"\s+([.,;:!?])", r"\1", prose)
        prose = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", prose)  # "In addition, [x], has" -> ","
        prose = " ".join(re.sub(r"\(\s*\)", "", prose).split())
        if prose:
            sentences.append((prose, keys))
    return sentences
