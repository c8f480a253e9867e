"""`galcli lit-review`: a cited related-work section grounded in your .bib."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from galcli.cli.options import CommonOptions, common_options, latex_command
from galcli.cli.session import ModelSession
from galcli.errors import ExitCode
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
    *,
    opts: CommonOptions,
) -> int:
    """Write a related-work section about TOPIC from the entries of your .bib files.

    The entries are ranked for the topic (BM25 over title, abstract and keywords), grouped into
    themes (clustering of their term vectors), and the model writes one paragraph per theme from
    those entries' titles and abstracts only. Before printing, citations of keys outside the
    retrieved entries are removed (and reported), and each cited sentence is scored for support
    by the cited abstracts; weak ones are marked `% galcli: unsupported` (LaTeX) or with an HTML
    comment (Markdown). The output starts with a provenance comment.

    \b
    Examples:
      galcli lit-review "graph neural networks for molecules" --bib refs.bib -o related.tex --bib-out related.bib
      galcli lit-review "protein folding" --bib refs.bib --format markdown --max-papers 20
      galcli lit-review "host-guest binding" -b refs.bib --json | jq '.sections[].theme'
    """
    from galcli.render.review import bibtex, render, report
    from galcli.tasks.lit_review import ReviewRequest, write_review

    for path in (output, bib_out):
        if path is not None:
            check_writable(path)
    session = ModelSession(opts, command="lit-review", max_new_tokens=320, repetition_penalty=1.1)
    entries = session.bibliography(bib)
    subject = text_argument(topic, name="TOPIC").strip()
    try:
        request = ReviewRequest(
            subject,
            max_papers=max_papers,
            max_themes=themes,
            params=session.params(),
            dense=session.settings.embeddings,
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
        session.record(
            prompt=subject,
            output=text,
            provenance=review.provenance,
            verdicts={
                "keys_used": review.keys_used,
                "dropped": [d.key for d in review.dropped],
                "unsupported": sum(
                    s.supported is False for sec in review.sections for s in sec.sentences
                ),
            },
        )
        if bib_out is not None:
            atomic_write_text(
                bib_out,
                bibtex(review.cited_entries, review.provenance.latex_header()),
                user_file=True,
            )
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
    return ExitCode.OK if review.keys_used else ExitCode.FINDINGS
