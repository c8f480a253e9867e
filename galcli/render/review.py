"""A related-work section (`galcli lit-review`) as LaTeX or Markdown, and its cited entries as
BibTeX. Every artefact opens with its provenance stamp."""

from __future__ import annotations

import re

from galcli.bib.entries import BibEntry
from galcli.render.core import Output
from galcli.tasks.lit_review import Review, Sentence

_MATH = re.compile(r"(\$[^$]*\$)")


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
    return f"galcli: unsupported (support {sentence.support:.2f} below threshold)"


def latex(review: Review, cite_command: str = "citep") -> str:
    lines = [
        review.provenance.latex_header().rstrip("\n"),
        f"% Related work on: {review.topic}. Citations are keys of your .bib; each cited sentence "
        f"was scored for support by the cited abstracts.",
        "",
    ]
    for section in review.sections:
        lines.append(f"\\paragraph{{{_latex_escape(section.theme)}}}")
        for sentence in section.sentences:
            text = _latex_escape(sentence.text)
            if sentence.keys:
                text = _with_citation(text, f"\\{cite_command}{{{','.join(sentence.keys)}}}")
            if sentence.supported is False:
                text += f" % {_flag(sentence)}"
            lines.append(text)
        lines.append("")
    return "\n".join(lines)


def markdown(review: Review) -> str:
    lines = [review.provenance.markdown_header().rstrip("\n"), ""]
    for section in review.sections:
        lines += [f"### {section.theme}", ""]
        body = []
        for sentence in section.sentences:
            text = sentence.text
            if sentence.keys:
                text = _with_citation(text, "[" + "; ".join(f"@{k}" for k in sentence.keys) + "]")
            if sentence.supported is False:
                text += f" <!-- {_flag(sentence)} -->"
            body.append(text)
        lines += [" ".join(body), ""]
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
    """What the checks removed or doubted, on stderr (never silently)."""
    for dropped in review.dropped:
        out.warn(f"removed citation [{dropped.key}] from '{dropped.theme}': {dropped.reason}")
    unsupported = sum(s.supported is False for sec in review.sections for s in sec.sentences)
    if unsupported:
        out.warn(
            f"{unsupported} cited sentence{'s' * (unsupported != 1)} not supported by the "
            "cited abstracts; marked in the output"
        )
    for section in review.sections:
        if section.weak_evidence:
            out.warn(
                f"'{section.theme}': no abstract for {', '.join(section.weak_evidence)} "
                "(weaker evidence: title only)"
            )
