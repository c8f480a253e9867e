"""`galcli cite`: suggest citation keys for a sentence, only from your own .bib files."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from galcli.cli.options import (
    JSON_OR_LINES_HELP,
    CommonOptions,
    Concurrency,
    common_options,
    latex_command,
)
from galcli.cli.session import ModelSession
from galcli.errors import UsageError
from galcli.fileio import text_argument


class CiteFormat(str, Enum):
    text = "text"
    keys = "keys"
    latex = "latex"
    json = "json"


@common_options(model=True, json_help=JSON_OR_LINES_HELP)
def cite(
    text: Annotated[
        str | None,
        typer.Argument(
            metavar="[TEXT|-]",
            help="The sentence to cite for; - (or nothing, with a pipe) reads stdin.",
            show_default=False,
        ),
    ] = None,
    bib: Annotated[
        list[Path] | None,
        typer.Option(
            "--bib",
            "-b",
            help="Your .bib file (repeatable). Only its keys are ever suggested.",
            show_default=False,
        ),
    ] = None,
    k: Annotated[int, typer.Option("-k", "--top", min=1, help="How many keys to suggest.")] = 5,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch",
            help="Suggest for every sentence in FILE (one per line, or JSONL with "
            '"text"); writes JSON Lines.',
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        CiteFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output: text (terminal default), keys (default when piped), latex or json.",
            show_default=False,
        ),
    ] = None,
    cite_command: Annotated[
        str,
        typer.Option("--cite-command", help="Command for --format latex.", callback=latex_command),
    ] = "citep",
    tex: Annotated[
        Path | None,
        typer.Option(
            "--tex",
            help="Fill the citation placeholders of this LaTeX project (\\cite{?}, \\cite{}, "
            "\\cite{TODO}, lines marked % TODO cite) from their context.",
            show_default=False,
        ),
    ] = None,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff",
            help="With --tex: write a unified diff that puts the top -k keys into each "
            "placeholder (for git apply or patch); your files are never changed.",
        ),
    ] = False,
    no_model: Annotated[
        bool,
        typer.Option(
            "--no-model",
            help="Rank by retrieval alone (the default unless -m MODEL is given).",
        ),
    ] = False,
    concurrency: Concurrency = 1,
    *,
    opts: CommonOptions,
) -> int:
    """Suggest citation keys for TEXT (or a draft's placeholders) from your own bibliography.

    The entries of the --bib files are ranked for the sentence (BM25 over title, abstract,
    keywords and authors, fused with sentence embeddings when installed). With --tex, each
    placeholder is ranked from its sentence (a table's row), the words next to it, its
    paragraph, section, the title and abstract, and the citations around it; an entry is also
    found by what the draft says where it cites that entry elsewhere. Every printed key exists
    in your .bib.

    \b
    No model is loaded by default: on the corpus papers the embedded model did not raise
    recall@5 by the 2 points it must earn (bench/cite.py). -m MODEL opts in (a model set only
    in GALCLI_MODEL or the config file does not, for cite): the model scores
    the retrieved entries by likelihood and proposes its own; a proposal counts only if it
    matches a real entry by title and authors, anything else is listed as rejected on stderr
    (and in JSON) and never printed.

    \b
    Verdicts: verified (the model wrote the entry's title and authors), picked (an instruction
    model chose it from the numbered list galcli showed it), unchecked (retrieval only). A
    proposal whose authors differ (mismatch) is rejected like an invented one.
    Exit status: 0 keys suggested (--batch: for at least one sentence; --tex: for every
    placeholder, or there is none), 1 none ("no entry fits"), 3 unreadable input.

    \b
    Examples:
      galcli cite "Free energy calculations predict binding affinities" --bib refs.bib
      galcli cite "Attention replaced recurrence" -b refs.bib -f latex      # \\citep{a,b}
      galcli cite --batch sentences.txt -b refs.bib > suggestions.jsonl
      galcli cite --tex paper.tex                     # paper.tex:41:17: \\citep{a,b,c}
      galcli cite --tex paper.tex -k 1 --diff | git apply
      echo "Host-guest systems as benchmarks" | galcli cite -b refs.bib -k 3 > keys.txt
    """
    from galcli.render.cite import (
        show_batch_problems,
        show_batch_rejections,
        show_cite,
        show_cite_batch,
    )
    from galcli.tasks.batch import BatchLine, read_batch, run_batch
    from galcli.tasks.cite import Citer, CiteRequest, CiteResult

    _one_mode(text, batch, tex, diff, output_format)
    use_model = opts.model is not None and not no_model
    with ModelSession(opts, command="cite", max_new_tokens=48) as session:
        out = session.out
        if tex is not None:
            from galcli.cli.cite_tex import run_tex

            return run_tex(session, tex, bib, k, cite_command, diff, use_model)
        citer = Citer(
            session.bibliography(bib),
            session.backend if use_model else None,
            dense=session.settings.embeddings,
        )
        if session.settings.embeddings and (note := citer.lexical_only_note()):
            out.info(note)
        request = (
            CiteRequest("", k=k, params=session.params()) if use_model else CiteRequest("", k=k)
        )
        if batch is None:
            sentence = text_argument(text)
            with out.draft(citer.backend.model_id if citer.backend else "retrieval") as on_text:
                result = citer.suggest(replace(request, text=sentence), on_text)
            session.record(result)
            fmt = CiteFormat.json if opts.json else output_format
            if fmt is None:
                fmt = CiteFormat.text if out.out.is_terminal else CiteFormat.keys
            show_cite(out, result, fmt.value, cite_command)
            return result.exit_code
        lines, problems = read_batch(batch)
        show_batch_problems(out, problems)
        citer.index.prepare(line.text for line in lines)
        with out.progress("citing", total=len(lines)) as advance:

            def show(line: BatchLine, result: CiteResult) -> None:
                show_cite_batch(out, result, line.line, line.id)
                advance()

            results = run_batch(
                lambda line: citer.suggest(replace(request, text=line.text)),
                lines,
                concurrency=concurrency,
                record=session.record,
                on_result=show,
            )
        show_batch_rejections(out, sum(len(r.rejected) for r in results.results))
        return results.exit_code


def _one_mode(
    text: str | None,
    batch: Path | None,
    tex: Path | None,
    diff: bool,
    output_format: CiteFormat | None,
) -> None:
    """The modes of `galcli cite` exclude each other, and some options belong to one mode."""
    given = [name for name, value in (("TEXT", text), ("--batch", batch), ("--tex", tex)) if value]
    if len(given) > 1:
        raise UsageError(
            f"give one of TEXT, --batch FILE or --tex FILE, not {' and '.join(given)}",
            hint="galcli cite --batch sentences.txt -b refs.bib (one sentence per line)",
        )
    if diff and tex is None:
        raise UsageError("--diff needs --tex FILE", hint="galcli cite --tex paper.tex --diff")
    if tex is not None and output_format not in (None, CiteFormat.json):
        raise UsageError(
            f"--tex writes file:line:column lines (or --json, --diff); -f {output_format.value} "
            "does not apply to it",
            hint="leave out -f; --cite-command sets the command a % TODO cite line gets",
        )
    if batch is not None and output_format not in (None, CiteFormat.json):
        raise UsageError(
            f"--batch writes JSON Lines; -f {output_format.value} does not apply to it",
            hint="leave out -f, or cite one sentence at a time with -f latex",
        )
