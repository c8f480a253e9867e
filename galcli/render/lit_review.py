"""A related-work section (`galcli lit-review`) as LaTeX or Markdown, its annotated-bibliography
outline, and its cited entries as BibTeX. Every artefact opens with its provenance stamp.

A sentence's citation goes where the sentence was built to hold it: `\\citet{key}` where it
names the authors, `\\citep{key}` at its end (`[@key]` and `@key` in Markdown). Outline
quotations are always marked as quotations (``…'' in LaTeX, “…” in Markdown).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from galcli.bib.entries import BibEntry
from galcli.render.core import Output, counted

if TYPE_CHECKING:
    from galcli.tasks.lit_review import Review, Sentence
    from galcli.tasks.review_notes import Note

_MATH = re.compile(r"(\$[^$]*\$)")
OUTLINE, TITLE = "outline", "title"
# the command that names the authors, for each that puts the citation in parentheses
TEXTUAL = {"citep": "citet", "Citep": "Citet", "parencite": "textcite", "autocite": "textcite"}
TITLE_MARK = "galcli: no abstract in the .bib; described by its title"


def _latex_escape(text: str) -> str:
    """Escape LaTeX's special characters in prose, leaving $…$ math alone; curly quotes as
    ``…''."""
    parts = _MATH.split(text)
    for index in range(0, len(parts), 2):
        escaped = re.sub(r"(?<!\\)([%&#_])", r"\\\1", parts[index])
        parts[index] = escaped.replace("“", "``").replace("”", "''")
    return "".join(parts)


def _latex_sentence(sentence: Sentence, cite: str, authors: dict[str, str]) -> str:
    key = ",".join(sentence.keys)
    textual = TEXTUAL.get(cite)
    named = (
        f"\\{textual}{{{key}}}"
        if textual
        else f"{_latex_escape(authors.get(key, key))}~\\{cite}{{{key}}}"
    )
    citations = {"citet": named, "citep": f"\\{cite}{{{key}}}"}
    text = "".join(
        citations[kind] if kind in citations else _latex_escape(words)
        for kind, words in sentence.pieces()
    )
    return text + (f" % {TITLE_MARK}" if sentence.kind == TITLE else "")


def _comment(review: Review) -> str:
    if review.mode == OUTLINE:
        return (
            f"% Annotated bibliography on: {review.topic}. Quotations are verbatim from the "
            "cited entries' abstracts; no model was used."
        )
    how = (
        "no model was used"
        if review.model is None
        else f"{review.model} rewrote the sentences whose rewrite passed the same check"
    )
    return (
        f"% Related work on: {review.topic}. Each sentence is built from the cited entry's "
        f"own abstract or title and checked against it; {how}."
    )


def _outline_item(note: Note, cite: str) -> str:
    head = f"{note.authors} ({note.year}), \\emph{{{_latex_escape(note.title)}}}"
    if not note.has_abstract:
        where = f", {_latex_escape(note.venue)}" if note.venue else ""
        return f"\\item {head}{where} {cite} (no abstract in the .bib)"
    quotes = " ".join(f"``{_latex_escape(q)}''" for q in note.quotes)
    return f"\\item {head} {cite}: {quotes}"


def latex(review: Review, cite_command: str = "citep") -> str:
    lines = [review.provenance.latex_header().rstrip("\n"), _comment(review), ""]
    for section in review.sections:
        lines.append(f"\\paragraph{{{_latex_escape(section.theme)}}}")
        if review.mode == OUTLINE:
            lines.append("\\begin{itemize}")
            for note in section.notes:
                lines.append(_outline_item(note, f"\\{cite_command}{{{note.key}}}"))
            lines.append("\\end{itemize}")
        else:
            lines += [_latex_sentence(s, cite_command, review.labels) for s in section.sentences]
        lines.append("")
    return "\n".join(lines)


def _markdown_sentence(sentence: Sentence) -> str:
    key = ",".join(sentence.keys)
    citations = {"citet": f"@{key}", "citep": f"[@{key}]"}
    text = "".join(citations.get(kind, words) for kind, words in sentence.pieces())
    return text + (f" <!-- {TITLE_MARK} -->" if sentence.kind == TITLE else "")


def markdown(review: Review) -> str:
    lines = [review.provenance.markdown_header().rstrip("\n"), ""]
    for section in review.sections:
        lines += [f"### {section.theme}", ""]
        if review.mode == OUTLINE:
            for note in section.notes:
                head = f"- {note.authors} ({note.year}), *{note.title}* [@{note.key}]"
                if note.has_abstract:
                    lines.append(f"{head}: " + " ".join(f"“{q}”" for q in note.quotes))
                else:
                    where = f", {note.venue}" if note.venue else ""
                    lines.append(f"{head}{where} (no abstract in the .bib)")
            lines.append("")
            continue
        lines += [" ".join(_markdown_sentence(s) for s in section.sentences), ""]
    return "\n".join(lines)


def _bib_value(entry: BibEntry, name: str) -> str:
    raw = entry.fields[name].strip()
    if raw[:1] in ("{", '"') and "#" not in raw or raw.isdigit():
        return raw
    return "{" + entry.get(name) + "}"  # a macro or concatenation, resolved


def bibtex(entries: list[BibEntry], header: str) -> str:
    """The entries as BibTeX (field values as written; @string macros resolved)."""
    blocks = [header.rstrip("\n")]
    for entry in entries:
        fields = ",\n".join(f"  {name} = {_bib_value(entry, name)}" for name in entry.fields)
        blocks.append(f"@{entry.entry_type}{{{entry.key},\n{fields}\n}}")
    return "\n\n".join(blocks) + "\n"


def render(review: Review, fmt: str, cite_command: str = "citep") -> str:
    return markdown(review) if fmt == "markdown" else latex(review, cite_command)


def report(out: Output, review: Review) -> None:
    """What was not printed, and what rests on a title only, on stderr (never silently)."""
    for draft in review.rejected:
        quoted = f"“{draft.sentence}” " if draft.sentence else ""
        out.warn(f"rejected draft by {draft.by} for [{draft.key}]: {quoted}({draft.reason})")
    for section in review.sections:
        if section.title_only:
            out.warn(
                f"'{section.theme}': no abstract for {', '.join(section.title_only)}; "
                "described by the title only"
            )
    if review.mode != OUTLINE:
        rewritten = sum(s.rewritten for s in review.sentences)
        if review.model is not None and any(s.kind == "extract" for s in review.sentences):
            built = sum(s.kind == "extract" for s in review.sentences)
            out.info(f"{review.model} rewrote {rewritten} of {counted(built, 'sentence')}")
        retrieved = counted(len(review.retrieved), "retrieved paper")
        out.info(f"cited {len(review.cited_entries)} of {retrieved}")
