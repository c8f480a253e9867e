"""`galcli lit-review`: a cited related-work section grounded in your .bib."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from galcli.cli.options import CommonOptions, common_options, latex_command
from galcli.cli.session import ModelSession
from galcli.errors import ExitCode, UsageError
from galcli.fileio import atomic_write_text, check_writable, text_argument


class ReviewFormat(str, Enum):
    latex = "latex"
    markdown = "markdown"


@common_options(model=True)
def lit_review(
    topic: Annotated[
        str | None,
        typer.Argument(
            metavar="[TOPIC|-]",
            help="What the section is about; - (or a pipe) reads stdin.",
            show_default=False,
        ),
    ] = None,
    bib: Annotated[
        list[Path] | None,
        typer.Option(
            "--bib",
            "-b",
            help="Your .bib file(s), ideally with abstracts (repeatable).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the section to FILE (atomically) instead of stdout.",
            show_default=False,
        ),
    ] = None,
    bib_out: Annotated[
        Path | None,
        typer.Option(
            "--bib-out",
            help="Also write a .bib with exactly the cited entries.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        ReviewFormat,
        typer.Option(
            "--format", "-f", help="latex (\\paragraph per theme) or markdown (pandoc [@key])."
        ),
    ] = ReviewFormat.latex,
    max_papers: Annotated[
        int, typer.Option("--max-papers", min=1, max=200, help="Papers to retrieve for the topic.")
    ] = 12,
    themes: Annotated[
        int | None,
        typer.Option(
            "--themes",
            min=1,
            max=20,
            help="At most this many themes [default: about 4 papers each].",
            show_default=False,
        ),
    ] = None,
    cite_command: Annotated[
        str, typer.Option("--cite-command", help="LaTeX cite command.", callback=latex_command)
    ] = "citep",
    outline: Annotated[
        bool,
        typer.Option(
            "--outline",
            help="No model: an annotated bibliography by theme, each paper with its quoted "
            "note (BM25 retrieval; loads neither model nor torch).",
        ),
    ] = False,
    paragraphs: Annotated[
        bool,
        typer.Option(
            "--paragraphs",
            help="Let the model write each theme's whole paragraph from the notes, citing "
            "with [key] (for capable models; same checks, every retrieved paper stays cited).",
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Replace each unsupported sentence by the cited papers' quoted notes.",
        ),
    ] = False,
    *,
    opts: CommonOptions,
) -> int:
    """Write a related-work section about TOPIC from the entries of your .bib files.

    galcli builds the structure and the citations; the model writes only prose. The entries
    are ranked for the topic (BM25 over title, abstract and keywords, fused with sentence
    embeddings when installed), grouped into themes, and each paper gets a note from its own
    record: title, authors, year and the one or two abstract sentences most relevant to the
    topic, kept as quotations. The model writes one short sentence per paper from its note and
    galcli attaches that paper's citation, then one opening sentence per theme. Every generated
    sentence is scored for support by the cited entries' text; unsupported ones are marked
    `% galcli: unsupported` (LaTeX) or with an HTML comment (Markdown), or with --strict
    replaced by the quoted note. Citations the model writes itself are removed and reported.
    Output paths are checked before any slow work. Exit 0 when papers were cited, 1 when no
    entry matches the topic, 3 on bad input (unwritable -o/--bib-out), 4 without a model.

    \b
    Examples:
      galcli lit-review "host-guest binding" -b refs.bib -o related.tex --bib-out related.bib
      galcli lit-review "protein folding" --bib refs.bib --outline --format markdown
      galcli lit-review "alchemical free energy" -b refs.bib --strict --max-papers 10
      galcli lit-review "host-guest binding" -b refs.bib --json | jq '.sections[].theme'
    """
    from galcli.render.lit_review import bibtex, render, report
    from galcli.tasks.lit_review import (
        OUTLINE,
        PARAGRAPHS,
        SENTENCES,
        ReviewRequest,
        write_review,
    )
    from galcli.tasks.lit_review import outline as write_outline

    if outline and paragraphs:
        raise UsageError(
            "--outline and --paragraphs exclude each other",
            hint="--outline uses no model; --paragraphs lets the model write whole paragraphs",
        )
    if outline and strict:
        raise UsageError(
            "--strict has nothing to replace with --outline",
            hint="--outline prints only quoted notes; leave out --strict",
        )
    for path in (output, bib_out):
        if path is not None:
            check_writable(path, probe=True)
    # One short sentence per paper: 48 tokens is room for it, and no repetition penalty, which
    # would push the model away from the note's own words (the prompt's tokens count as
    # repeats). A whole paragraph needs room, and the penalty keeps small models from looping.
    session = ModelSession(
        opts,
        command="lit-review",
        max_new_tokens=320 if paragraphs else 48,
        repetition_penalty=1.1 if paragraphs else 1.0,
    )
    entries = session.bibliography(bib)
    subject = text_argument(topic, name="TOPIC").strip()
    mode = OUTLINE if outline else PARAGRAPHS if paragraphs else SENTENCES
    try:
        if outline:
            request = ReviewRequest(subject, max_papers, themes, dense=False, mode=mode)
            review = write_outline(request, entries)
        else:
            request = ReviewRequest(
                subject,
                max_papers=max_papers,
                max_themes=themes,
                params=session.params(),
                dense=session.settings.embeddings,
                mode=mode,
                strict=strict,
            )
            with session.out.progress("retrieving", total=None) as advance:
                backend = session.backend
                with session.out.draft(backend.model_id) as on_text:
                    review = write_review(request, entries, backend, on_text, progress=advance)
        if not review.retrieved:
            session.out.warn(f"no entry of the bibliography matches {subject!r}")
            return ExitCode.FINDINGS
        text = render(review, output_format.value, cite_command)
        report(session.out, review)
        session.record(review)
        if bib_out is not None:
            header = review.provenance.latex_header()
            atomic_write_text(bib_out, bibtex(review.cited_entries, header), user_file=True)
            session.out.info(f"wrote {len(review.cited_entries)} cited entries to {bib_out}")
        if output is not None:
            atomic_write_text(output, text, user_file=True)
            session.out.info(f"wrote {output}")
        if opts.json:
            session.out.write_json(review.to_dict())
        elif output is None:
            session.out.write(text)
        session.out.notice(review.provenance.terminal_notice())
    finally:
        session.close()
    return review.exit_code
