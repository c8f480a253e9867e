"""A related-work section (`galcli lit-review`) as LaTeX or Markdown, its annotated-bibliography
outline, and its cited entries as BibTeX. Every artefact opens with its provenance stamp.

Quotations from the cited abstracts are always marked as quotations (``…'' in LaTeX, “…” in
Markdown), so verbatim text is never passed off as new prose.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from galcli.bib.entries import BibEntry
from galcli.render.core import Output, counted

if TYPE_CHECKING:
    from galcli.tasks.lit_review import Review, Section, Sentence
    from galcli.tasks.review_notes import Note

_MATH = re.compile(r"(\$[^$]*\$)")
QUOTE, OUTLINE = "quote", "outline"


def _latex_escape(text: str) -> str:
    """Escape LaTeX's special characters in prose, leaving $…$ math alone."""
    parts = _MATH.split(text)
    for index in range(0, len(parts), 2):
        parts[index] = re.sub(r"(?<!\\)([%&#_])", r"\\\1", parts[index])
    return "".join(parts)


def _with_citation(text: str, citation: str) -> str:
    """`citation` placed before the sentence's final punctuation."""
    match = re.search(r"([.!?:;]+)$", text)
    if match is None:
        return f"{text} {citation}"
    return f"{text[: match.start()]} {citation}{match.group(1)}"


def _flag(sentence: Sentence) -> str:
    assert sentence.support is not None
    return f"galcli: unsupported ({sentence.support.describe()})"


def _notes(section: Section) -> dict[str, Note]:
    return {n.key: n for n in section.notes}


def _quoted(sentence: Sentence, section: Section, open_mark: str, close_mark: str) -> str:
    """A quotation in quotation marks; a note without abstract (title, venue) as it is."""
    note = _notes(section).get(sentence.keys[0]) if sentence.keys else None
    if note is not None and not note.has_abstract:
        return sentence.text
    return f"{open_mark}{sentence.text}{close_mark}"


def _latex_sentence(sentence: Sentence, section: Section, cite_command: str) -> str:
    citation = f"\\{cite_command}{{{','.join(sentence.keys)}}}" if sentence.keys else ""
    if sentence.kind == QUOTE:
        text = _quoted(sentence, section, "``", "''")
        return _latex_escape(text) + (f" {citation}" if citation else "")
    text = _latex_escape(sentence.text)
    if citation:
        text = _with_citation(text, citation)
    if sentence.supported is False:
        text += f" % {_flag(sentence)}"
    return text


def _comment(review: Review) -> str:
    if review.mode == OUTLINE:
        return (
            f"% Annotated bibliography on: {review.topic}. Quotations are verbatim from the "
            "cited entries' abstracts; no model was used."
        )
    return (
        f"% Related work on: {review.topic}. galcli attached the citations (keys of your .bib); "
        "each generated sentence was scored for support by the cited entries' text; "
        "quotations are verbatim from the cited abstracts."
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
            lines += [_latex_sentence(s, section, cite_command) for s in section.sentences]
        lines.append("")
    return "\n".join(lines)


def _markdown_sentence(sentence: Sentence, section: Section) -> str:
    citation = "[" + "; ".join(f"@{k}" for k in sentence.keys) + "]" if sentence.keys else ""
    if sentence.kind == QUOTE:
        return _quoted(sentence, section, "“", "”") + (f" {citation}" if citation else "")
    text = _with_citation(sentence.text, citation) if citation else sentence.text
    if sentence.supported is False:
        text += f" <!-- {_flag(sentence)} -->"
    return text


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
        lines += [" ".join(_markdown_sentence(s, section) for s in section.sentences), ""]
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
    """What the checks removed, replaced or doubted, on stderr (never silently)."""
    for dropped in review.dropped:
        out.warn(f"removed citation [{dropped.key}] from '{dropped.theme}': {dropped.reason}")
    unscorable = [s for s in review.unsupported if s.support and not s.support.scorable]
    weak = len(review.unsupported) - len(unscorable)
    if weak:
        out.warn(
            f"{counted(weak, 'generated sentence')} not supported by the cited entries; "
            "marked in the output"
        )
    if unscorable:
        out.warn(
            f"{counted(len(unscorable), 'generated sentence')} cannot be scored (no content "
            "words), so not supported; marked in the output"
        )
    replaced = sum(
        s.replaced is not None and s.replaced != ""
        for sec in review.sections
        for s in sec.sentences
    )
    if replaced:
        out.warn(f"--strict: {counted(replaced, 'quoted note')} replaced unsupported sentences")
    for section in review.sections:
        if section.weak_evidence:
            out.warn(
                f"'{section.theme}': no abstract for {', '.join(section.weak_evidence)}; "
                "their notes and support scores rest on title and venue only"
            )
    if review.mode != OUTLINE:
        retrieved = counted(len(review.retrieved), "retrieved paper")
        out.info(f"cited {len(review.cited_entries)} of {retrieved}")
