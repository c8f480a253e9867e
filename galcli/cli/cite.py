"""`galcli cite`: suggest citation keys for a sentence, only from your own .bib files."""

from __future__ import annotations

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
from galcli.errors import ExitCode, InputError, UsageError
from galcli.fileio import numbered_lines, text_argument


class CiteFormat(str, Enum):
    text = "text"
    keys = "keys"
    latex = "latex"
    json = "json"


def read_batch(path: Path) -> list[tuple[int, str]]:
    """(line number, sentence) for each line, or JSON line with a "text" field; blank lines are
    skipped."""
    import json

    sentences = []
    for number, line in numbered_lines(path, what="batch file"):
        if line.startswith("{"):
            try:
                text = json.loads(line).get("text")
            except (ValueError, AttributeError) as exc:
                raise InputError(
                    f"invalid JSON: {exc}",
                    location=_at(path, number),
                    hint='each JSON line needs a "text" field',
                ) from exc
            if not isinstance(text, str) or not text.strip():
                raise InputError(
                    'JSON line has no "text" string',
                    location=_at(path, number),
                    hint='write {"text": "the sentence"}',
                )
            line = text
        sentences.append((number, line))
    if not sentences:
        raise InputError(
            "batch file has no sentences",
            location=_at(path, None),
            hint="write one sentence per line",
        )
    return sentences


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
    no_model: Annotated[
        bool, typer.Option("--no-model", help="Rank by retrieval alone; load no model.")
    ] = False,
    concurrency: Concurrency = 1,
    *,
    opts: CommonOptions,
) -> int:
    """Suggest citation keys for TEXT from your own bibliography.

    The entries of the --bib files are ranked for the sentence (BM25 over title, abstract,
    keywords and authors) and the model is asked for its own proposals. A proposal is used
    only if it matches a real entry by title and authors; anything else is listed as rejected
    on stderr (and in JSON) and never printed as a key. Every printed key exists in your .bib.

    \b
    Verdicts: verified (the model proposed it and it matches the entry), mismatch (the title
    matches but the authors differ), unchecked (found by retrieval only).
    Exit status: 0 keys suggested (--batch: for at least one sentence), 1 none, 3 unreadable input.

    \b
    Examples:
      galcli cite "Free energy calculations predict binding affinities" --bib refs.bib
      galcli cite "Attention replaced recurrence" -b refs.bib -f latex      # \\citep{a,b}
      galcli cite --batch sentences.txt -b refs.bib > suggestions.jsonl
      echo "Host-guest systems as benchmarks" | galcli cite -b refs.bib -k 3 > keys.txt
    """
    from galcli.render.cite import show_batch_rejections, show_cite, show_cite_batch
    from galcli.tasks.cite import Citer, CiteRequest

    if batch is not None and text is not None:
        raise UsageError(
            "give either TEXT or --batch FILE, not both",
            hint="galcli cite --batch sentences.txt -b refs.bib (one sentence per line)",
        )
    session = ModelSession(opts, command="cite", max_new_tokens=48)
    entries = session.bibliography(bib)
    sentences = read_batch(batch) if batch is not None else [(1, text_argument(text))]
    fmt = CiteFormat.json if opts.json else output_format
    if fmt is None:
        fmt = CiteFormat.text if session.out.out.is_terminal else CiteFormat.keys
    try:
        citer = Citer(
            entries, None if no_model else session.backend, dense=session.settings.embeddings
        )
        if session.settings.embeddings and not citer.index.dense:
            from galcli.retrieve.embeddings import INSTALL_COMMAND

            session.out.info(f"ranking by BM25 alone; for better suggestions: {INSTALL_COMMAND}")
        params = session.params()
        if batch is None:
            with session.out.draft(
                session.settings.model if no_model else session.backend.model_id
            ) as on_text:
                result = citer.suggest(CiteRequest(sentences[0][1], k=k, params=params), on_text)
            session.record_result(result, {s.key: s.verdict for s in result.suggestions})
            show_cite(session.out, result, fmt.value, cite_command)
            return ExitCode.OK if result.suggestions else ExitCode.FINDINGS
        from galcli.tasks.batch import ordered_map

        found = rejected = 0
        with session.out.progress("citing", total=len(sentences)) as advance:
            results = ordered_map(
                lambda s: citer.suggest(CiteRequest(s[1], k=k, params=params)),
                sentences,
                concurrency,
            )
            for (number, _), result in zip(sentences, results, strict=False):
                session.record_result(result, {s.key: s.verdict for s in result.suggestions})
                show_cite_batch(session.out, result, number)
                found += bool(result.suggestions)
                rejected += len(result.rejected)
                advance()
        show_batch_rejections(session.out, rejected)
        return ExitCode.OK if found else ExitCode.FINDINGS
    finally:
        session.close()
