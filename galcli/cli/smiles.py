"""`galcli smiles`: names to verified SMILES, bulk validation, and molecule descriptions."""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from galcli.cli.groups import group_with_default
from galcli.cli.options import (
    JSON_LINES_HELP,
    JSON_OR_LINES_HELP,
    CommonOptions,
    Concurrency,
    NoModel,
    Paraphrase,
    common_options,
    wants_model,
)
from galcli.cli.session import ModelSession
from galcli.errors import ExitCode, InputError, Location, UsageError
from galcli.fileio import (
    atomic_write_bytes,
    check_writable,
    listed_lines,
    listed_lines_of,
    text_argument,
)

if TYPE_CHECKING:
    from galcli.environment import Environment
    from galcli.tasks.online_check import LookupConfig

app = typer.Typer(
    cls=group_with_default("name"),
    help="""Chemical names to verified SMILES; validate and describe SMILES.

\b
  galcli smiles NAME           is short for   galcli smiles name NAME
  galcli smiles validate FILE  checks SMILES in bulk (no model)
  galcli smiles describe SMILES  computes properties (and a labelled model description)
""",
    no_args_is_help=False,
)


@app.command("name")
@common_options(model=True, json_help=JSON_OR_LINES_HELP)
def name(
    queries: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[NAME...]",
            help="Chemical names or CAS numbers; - (or nothing, with a pipe) reads one name per "
            "line from stdin.",
            show_default=False,
        ),
    ] = None,
    n: Annotated[
        int,
        typer.Option(
            "-n", "--samples", min=1, max=16, help="Model candidates to ask for (beams or samples)."
        ),
    ] = 3,
    draw: Annotated[
        Path | None,
        typer.Option(
            "--draw",
            help="Write a depiction of the top candidate (.svg or .png; one name only).",
            show_default=False,
        ),
    ] = None,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch",
            help="Resolve every name in FILE (one per line; blank lines and # comments are "
            "skipped); writes JSON Lines.",
            show_default=False,
        ),
    ] = None,
    no_model: Annotated[
        bool,
        typer.Option(
            "--no-model", help="Use only OPSIN and the chemicals database; load no model."
        ),
    ] = False,
    ask_model: Annotated[
        bool,
        typer.Option(
            "--ask-model",
            help="Ask the model about every name, also those the offline sources confirm "
            "(implied by --model).",
        ),
    ] = False,
    concurrency: Concurrency = 1,
    online: Annotated[
        bool,
        typer.Option(
            "--online",
            help="Also ask PubChem (needs the network) about names OPSIN and chemicals do not "
            "confirm between them; PubChem counts as one more source.",
        ),
    ] = False,
    *,
    opts: CommonOptions,
) -> int:
    """Find SMILES for chemical NAMEs (or CAS numbers), each valid by RDKit and cross-checked.

    Candidates come from three independent sources: OPSIN (name parsing; needs Java), the
    chemicals package's PubChem name and CAS database, and the model; with --online,
    PubChem itself for names those two do not confirm. The model is consulted
    only when the offline sources do not confirm a structure, or for every name with
    --ask-model or an explicit --model; --no-model never loads it. Every candidate is
    validated and canonicalised by RDKit and grouped by InChIKey. Identity: confirmed (two or
    more sources agree), contradicted (another source gave a different structure), unverified
    (one source only). Invalid model output is shown on stderr and under "rejected" in JSON,
    never printed as a result. Several names (arguments, stdin lines or --batch) each get
    their own result: a table with a name column, or JSON Lines with --json. Exit status: 0 a
    structure found (several names: for at least one; the others are named on stderr), 1
    none, 3 unreadable input.

    \b
    Examples:
      galcli smiles caffeine
      galcli smiles 7732-18-5 --no-model
      galcli smiles caffeine aspirin "2-methylpropan-1-ol" --json
      galcli smiles aspirin --draw aspirin.svg -q
      galcli smiles --batch names.txt --no-model > smiles.jsonl
      galcli smiles "tylenol" --no-model --online
    """
    from galcli.render.smiles import (
        show_candidates,
        show_candidates_batch,
        show_candidates_table,
    )
    from galcli.tasks.smiles import SmilesRequest, SmilesResolver

    if no_model and ask_model:
        raise UsageError("--no-model and --ask-model contradict each other", hint="give one")
    if batch is not None and queries:
        raise UsageError(
            "give either NAMEs or --batch FILE, not both",
            hint="galcli smiles --batch names.txt (one name per line)",
        )
    numbered = _names(queries, batch)
    if draw is not None:
        if len(numbered) > 1:
            raise UsageError("--draw draws one molecule", hint="give one NAME with --draw")
        if draw.suffix.lower() not in (".svg", ".png"):
            raise UsageError(
                f"cannot draw to {draw}: the format comes from the file name",
                hint="end it in .svg or .png",
            )
        check_writable(draw)
    names = [name for _, name in numbered]
    with ModelSession(opts, command="smiles", max_new_tokens=96) as session:
        resolver = SmilesResolver(
            None if no_model else (lambda: session.backend),
            params=session.params,
            ask_model=ask_model or opts.model is not None,
            online=_lookup_config(session) if online else None,
        )
        found = resolver.lookup(names)
        if batch is not None or len(names) > 1:
            requests = [SmilesRequest(each, n=n) for each in names]
            results = resolver.resolve_many(requests, concurrency, found, record=session.record)
            lines = [number for number, _ in numbered]
            if batch is not None or opts.json:
                show_candidates_batch(session.out, results.results, lines)
            else:
                show_candidates_table(session.out, results.results, lines)
            return results.exit_code
        request = SmilesRequest(names[0], n=n)
        if resolver.needs_model(names[0], found):
            with session.out.draft(resolver.backend().model_id) as on_text:
                result = resolver.resolve(request, on_text, names=found)
        else:
            result = resolver.resolve(request, names=found)
        if draw is not None and result.candidates:
            from galcli.tasks.smiles import draw_candidate

            top = result.candidates[0]
            atomic_write_bytes(
                draw, draw_candidate(top, str(draw), legend=names[0]), user_file=True
            )
            session.out.info(f"drew {top.smiles} to {draw}")
        session.record(result)
        show_candidates(session.out, result)
        return result.exit_code


def _names(queries: list[str] | None, batch: Path | None) -> list[tuple[int | None, str]]:
    """(line number or None for an argument, name) of every name asked about: the arguments,
    or the lines of --batch FILE or of stdin (`-` or a pipe), without blanks and # comments."""
    if batch is not None:
        numbered = listed_lines(batch, what="batch file")
        if not numbered:
            raise InputError(
                f"{batch}: the batch file has no names",
                hint="write one name per line (# starts a comment)",
            )
        return list(numbered)
    if not queries or queries == ["-"]:
        text = text_argument(None if not queries else "-", name="NAME")
        numbered = listed_lines_of(text)
        if not numbered:
            raise InputError("no names on stdin", hint="write one name per line")
        return list(numbered)
    if "-" in queries:
        raise UsageError("- (stdin) cannot be mixed with NAMEs", hint="give NAMEs or -")
    names: list[tuple[int | None, str]] = []
    for query in queries:
        cleaned = " ".join(query.split())
        if not cleaned:
            raise InputError("NAME is empty", hint="give a non-empty NAME")
        names.append((None, cleaned))
    return names


def _lookup_config(session: ModelSession) -> LookupConfig:
    from galcli.tasks.online_check import lookup_config

    return lookup_config(session.settings)


@app.command("validate")
@common_options(model=False, json_help=JSON_LINES_HELP)
def validate(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FILE|-]...",
            help="SMILES files, one per line (optionally followed by a name), "
            "or CSV/TSV with --column; - or nothing reads stdin.",
            show_default=False,
        ),
    ] = None,
    column: Annotated[
        str | None,
        typer.Option(
            "--column",
            "-c",
            help="Read SMILES from this column of a CSV/TSV file with a header.",
            show_default=False,
        ),
    ] = None,
    *,
    opts: CommonOptions,
) -> int:
    """Validate and canonicalise SMILES in bulk (no model; constant memory).

    Valid SMILES are printed canonicalised (with their name, if any) on stdout; invalid ones
    are reported on stderr as FILE:LINE: reason. With --json, one JSON object per input line:
    {"line", "input", "valid", "canonical", "error"} (and "file" when several files are
    given). Exit status: 0 all valid, 1 some invalid, 3 unreadable input.

    \b
    Examples:
      galcli smiles validate molecules.smi > clean.smi
      galcli smiles validate data.csv --column smiles --json | jq 'select(.valid | not)'
      echo "C1CC" | galcli smiles validate
    """
    from galcli.render.smiles import ValidationPrinter
    from galcli.tasks.validate_smiles import read_column, read_lines
    from galcli.tasks.validate_smiles import validate as run

    out = opts.output()
    names = sources or ["-"]
    invalid = 0
    for source in names:
        label = "<stdin>" if source == "-" else source
        stream = _open(source, opts.env)
        printer = ValidationPrinter(out, label, with_file=len(names) > 1)
        try:
            records = read_column(stream, label, column) if column else read_lines(stream, label)
            for validation in run(records):
                printer.add(validation)
        finally:
            printer.flush()  # what was validated before an error or Ctrl-C is still written
            if stream is not opts.env.stdin:
                stream.close()
        if printer.valid + printer.invalid == 0:
            raise InputError(
                "no SMILES found",
                location=Location(label),
                hint="write one SMILES per line (optionally followed by a name), or "
                "name the column with --column",
            )
        printer.finish()
        if printer.valid == 0 and not column and label.lower().endswith((".csv", ".tsv")):
            out.warn(f"{label} looks like a table: name its SMILES column with --column NAME")
        invalid += printer.invalid
    return ExitCode.OK if invalid == 0 else ExitCode.FINDINGS


def _open(source: str, env: Environment) -> IO[bytes]:
    if source == "-":
        if env.stdin_isatty:
            raise UsageError(
                "no input: give a FILE or pipe SMILES in",
                hint="galcli smiles validate molecules.smi",
            )
        return env.stdin
    from galcli.fileio import input_errors

    with input_errors(source, "SMILES file"):
        return Path(source).open("rb")


@app.command("describe")
@common_options(model=True)
def describe(
    smiles: Annotated[str, typer.Argument(metavar="SMILES", help="The SMILES to describe.")],
    paraphrase: Paraphrase = False,
    no_model: NoModel = False,
    *,
    opts: CommonOptions,
) -> int:
    """Describe a molecule from facts galcli computes and looks up (no model needed).

    Facts: the name from galcli's name index (the chemicals database, by InChIKey), formula,
    average and monoisotopic mass, InChIKey, functional groups (RDKit substructure matches),
    rings and ring systems, stereocentres, logP, TPSA, H-bond donors and acceptors, rotatable
    bonds and Lipinski's rule of five. The description is written from these facts only. With
    --paraphrase (or -m MODEL) a model rewrites it; a sentence naming a compound, formula or
    number the facts lack is rejected on stderr, never printed.

    \b
    Examples:
      galcli smiles describe "CC(=O)Oc1ccccc1C(=O)O"
      galcli smiles describe "CN1C=NC2=C1C(=O)N(C(=O)N2C)C" --json | jq .structure
      galcli smiles describe CCO --paraphrase
    """
    from galcli.render.smiles import show_description
    from galcli.tasks.describe_smiles import describe_smiles, parse_input

    parse_input(smiles)  # reject bad input before loading a model
    use_model = wants_model(paraphrase, no_model, opts)
    with ModelSession(opts, command="smiles describe", max_new_tokens=160) as session:
        if use_model:
            with session.out.draft(session.backend.model_id) as on_text:
                result = describe_smiles(smiles, session.backend, session.params(), on_text)
            session.record(result)
        else:
            result = describe_smiles(smiles)
        show_description(session.out, result)
    return result.exit_code
