"""`galcli cite`: suggest citation keys for a sentence, only from your own .bib files."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from galcli.cli.options import (
    JSON_OR_LINES_HELP,
    CommonOptions,
    Concurrency,
    common_options,
    latex_command,
)
from galcli.cli.session import ModelSession
from galcli.errors import ExitCode, InputError, UsageError
from galcli.fileio import numbered_lines, text_argument


class CiteFormat(str, Enum):
    text = "text"
    keys = "keys"
    latex = "latex"
    json = "json"


def read_batch(path: Path) -> tuple[list[tuple[int, str, Any]], list[str]]:
    """(line number, sentence, id) for each line, or JSON line with a "text" field (and an
    optional "id", echoed in the output); blank lines are skipped. A JSON line without a text
    is reported (file:line) and skipped: one bad line does not cost the batch."""
    import json

    sentences: list[tuple[int, str, Any]] = []
    problems: list[str] = []
    for number, line in numbered_lines(path, what="batch file"):
        identifier = None
        if line.startswith("{"):
            try:
                record = json.loads(line)
                text = record.get("text")
                identifier = record.get("id")
            except (ValueError, AttributeError) as exc:
                problems.append(f"{path}:{number}: invalid JSON ({exc}); line skipped")
                continue
            if not isinstance(text, str) or not text.strip():
                problems.append(f'{path}:{number}: JSON line has no "text" string; line skipped')
                continue
            line = text
        sentences.append((number, line, identifier))
    if not sentences:
        raise InputError(
            "batch file has no sentences" + (f" ({problems[0]})" if problems else ""),
            location=_at(path, None),
            hint='write one sentence per line, or JSON lines {"text": "the sentence"}',
        )
    return sentences, problems


def _at(path: Path, line: int | None):
    from galcli.errors import Location

    return Location(str(path), line)


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
    from galcli.tasks.cite import Citer, CiteRequest

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
    session = ModelSession(opts, command="cite", max_new_tokens=48)
    use_model = opts.model is not None and not no_model
    fmt = CiteFormat.json if opts.json else output_format
    if fmt is None:
        fmt = CiteFormat.text if session.out.out.is_terminal else CiteFormat.keys
    try:
        if tex is not None:
            from galcli.cli.cite_tex import run_tex

            return run_tex(session, tex, bib, k, cite_command, diff, use_model)
        entries = session.bibliography(bib)
        problems: list[str] = []
        if batch is not None:
            sentences, problems = read_batch(batch)
        else:
            sentences = [(1, text_argument(text), None)]
        citer = Citer(
            entries, session.backend if use_model else None, dense=session.settings.embeddings
        )
        if session.settings.embeddings and (note := citer.lexical_only_note()):
            session.out.info(note)
        params = session.params() if use_model else None
        request = CiteRequest("", k=k) if params is None else CiteRequest("", k=k, params=params)
        if batch is None:
            with session.out.draft(
                session.backend.model_id if use_model else session.settings.model
            ) as on_text:
                result = citer.suggest(replace(request, text=sentences[0][1]), on_text)
            session.record_result(result, {s.key: s.verdict for s in result.suggestions})
            show_cite(session.out, result, fmt.value, cite_command)
            return ExitCode.OK if result.suggestions else ExitCode.FINDINGS
        from galcli.tasks.batch import ordered_map

        show_batch_problems(session.out, problems)
        citer.index.prepare(sentence for _, sentence, _ in sentences)
        found = rejected = 0
        with session.out.progress("citing", total=len(sentences)) as advance:
            results = ordered_map(
                lambda s: citer.suggest(replace(request, text=s[1])), sentences, concurrency
            )
            for (number, _, identifier), result in zip(sentences, results, strict=False):
                session.record_result(result, {s.key: s.verdict for s in result.suggestions})
                show_cite_batch(session.out, result, number, identifier)
                found += bool(result.suggestions)
                rejected += len(result.rejected)
                advance()
        show_batch_rejections(session.out, rejected)
        return ExitCode.OK if found else ExitCode.FINDINGS
    finally:
        session.close()
