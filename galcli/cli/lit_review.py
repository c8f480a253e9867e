"""`galcli lit-review`: a cited related-work section grounded in your .bib."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from galcli.cli.options import (
    CommonOptions,
    NoModel,
    Paraphrase,
    common_options,
    latex_command,
    wants_model,
)
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
            help="An annotated bibliography by theme instead: each paper with the abstract "
            "sentences most relevant to the topic, quoted.",
        ),
    ] = False,
    paraphrase: Paraphrase = False,
    no_model: NoModel = False,
    *,
    opts: CommonOptions,
) -> int:
    """Write a related-work section about TOPIC from the entries of your .bib files.

    Every sentence is traceable to the entry it cites. The entries are ranked for the topic
    (BM25 over title, abstract and keywords, fused with sentence embeddings when installed) and
    grouped into themes, each headed by a phrase the theme's titles share. Each paper gets one
    sentence built from its own abstract: the sentence most relevant to the topic and theme,
    shortened by deletion only, attributed with the entry's authors and year (\\citet where it
    names them, \\citep at its end). An entry without an abstract is described by its title,
    saying so. Every sentence passes the faithfulness check against the cited entry (no word,
    name or number the entry lacks) and no two are the same. No model is needed or loaded:
    on the benchmark .bib the embedded model's rewrites were rejected or added nothing
    (docs/lit-review.md). With --paraphrase (or -m MODEL) a model rewrites each sentence; a
    rewrite that fails the check goes to stderr with the reason and the built sentence stays.
    Output paths are checked before any slow work. Exit 0 when papers were cited, 1 when no
    entry matches the topic, 3 on bad input (unwritable -o/--bib-out), 4 without a model.

    \b
    Examples:
      galcli lit-review "host-guest binding" -b refs.bib -o related.tex --bib-out related.bib
      galcli lit-review "protein folding" --bib refs.bib --outline --format markdown
      galcli lit-review "alchemical free energy" -b refs.bib --max-papers 10 --paraphrase
      galcli lit-review "host-guest binding" -b refs.bib --json | jq '.sections[].theme'
    """
    from galcli.render.lit_review import bibtex, render, report
    from galcli.tasks.lit_review import ReviewRequest, write_review
    from galcli.tasks.lit_review import outline as write_outline
    from galcli.tasks.review_rewrite import Rewriter

    if outline and paraphrase:
        raise UsageError(
            "--paraphrase has nothing to rewrite with --outline",
            hint="--outline quotes the abstracts; leave out --paraphrase",
        )
    for path in (output, bib_out):
        if path is not None:
            check_writable(path, probe=True)
    use_model = wants_model(paraphrase, no_model, opts) and not outline
    # one sentence at a time: 96 tokens is room for it
    session = ModelSession(opts, command="lit-review", max_new_tokens=96)
    entries = session.bibliography(bib)
    subject = text_argument(topic, name="TOPIC").strip()
    try:
        request = ReviewRequest(
            subject,
            max_papers=max_papers,
            max_themes=themes,
            dense=session.settings.embeddings and not outline,
        )
        if outline:
            review = write_outline(request, entries)
        elif use_model:
            with session.out.draft(session.backend.model_id) as on_text:
                rewriter = Rewriter(session.backend, session.params(), on_text)
                review = write_review(request, entries, rewriter)
        else:
            review = write_review(request, entries)
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
