"""SMILES candidates, validation streams and molecule descriptions (`galcli smiles`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from galcli.errors import ExitCode, OutputClosed
from galcli.render.core import Output, styled

if TYPE_CHECKING:  # render/ knows tasks' result types, never their code (docs/architecture.md)
    from galcli.tasks.describe_smiles import Description
    from galcli.tasks.smiles import SmilesResult
    from galcli.tasks.validate_smiles import Validation

IDENTITY_STYLE = {"confirmed": "green", "contradicted": "red", "unverified": "yellow"}
COLUMNS = ("smiles", "formula", "mol_weight", "exact_mass", "inchikey", "identity", "sources")


def _report(out: Output, result: SmilesResult) -> None:
    for source, why in result.unavailable.items():
        out.warn(f"{source} was not consulted: {why}")
    for rejected in result.rejected:
        out.warn(f"{rejected.source} candidate rejected: {rejected.smiles!r}: {rejected.reason}")


def _rows(result: SmilesResult) -> list[tuple[str, ...]]:
    return [
        (
            c.smiles,
            c.formula,
            f"{c.mol_weight:.3f}",
            f"{c.exact_mass:.5f}",
            c.inchikey or "",
            c.identity,
            ",".join(c.sources),
        )
        for c in result.candidates
    ]


def _table(out: Output, columns: Sequence[str], rows: list[tuple[str, ...]]) -> None:
    """A table for a terminal (identity coloured), tab-separated columns for a pipe."""
    if out.out.is_terminal:
        from rich.table import Table

        where = columns.index("identity")
        table = Table(*columns, box=None, header_style="bold", pad_edge=False)
        for row in rows:
            table.add_row(
                *(
                    styled((v, IDENTITY_STYLE.get(v, ""))) if i == where else styled(v)
                    for i, v in enumerate(row)
                )
            )
        out.out.print(table)
    else:
        out.write("\t".join(columns) + "\n" + "\n".join("\t".join(row) for row in rows))


def show_candidates(out: Output, result: SmilesResult) -> None:
    _report(out, result)
    if out.json_mode:
        out.write_json(result.to_dict())
    elif result.candidates:
        _table(out, COLUMNS, _rows(result))
    if not result.candidates:
        out.warn(_not_found(result))
    elif result.candidates[0].identity != "confirmed":
        out.warn(
            f"the top candidate is {result.candidates[0].identity}: no two sources agree on it"
        )
    _model_notice(out, [result])


def _model_notice(out: Output, results: Sequence[SmilesResult]) -> None:
    models = sorted({r.model for r in results if r.model})
    if models and not out.json_mode:
        out.notice(
            f"galcli: every SMILES above is valid by RDKit; identity is only as good as "
            f"its sources (model {', '.join(models)}: machine-generated)"
        )
    skipped = [r for r in results if r.model_skipped]
    if skipped:
        which = "" if len(results) == 1 else f" for {len(skipped)} of {len(results)} names"
        out.info(
            f"model not consulted{which}: {skipped[0].model_skipped} (--ask-model asks it anyway)"
        )


def _not_found(result: SmilesResult) -> str:
    message = f"no valid SMILES found for {result.query!r}"
    if result.problem:
        message += f": {result.problem}"
    if result.did_you_mean:
        message += (
            "; did you mean "
            + " or ".join(repr(n) for n in result.did_you_mean)
            + "? (not looked up)"
        )
    return message


def show_candidates_batch(
    out: Output, results: list[SmilesResult], lines: Sequence[int | None]
) -> None:
    """One JSON line per name (with its line in the batch file or stdin, where it has one); on
    stderr, the names that found nothing and a count."""
    for source, why in results[0].unavailable.items() if results else ():
        out.warn(f"{source} was not consulted: {why}")
    for line, result in zip(lines, results, strict=False):
        data = result.to_dict()
        out.write_json_line(data if line is None else {"line": line, **data})
    _batch_summary(out, results, lines)


def show_candidates_table(
    out: Output, results: list[SmilesResult], lines: Sequence[int | None]
) -> None:
    """Several names as one table, a `name` column first; the names that found nothing on
    stderr."""
    for source, why in results[0].unavailable.items() if results else ():
        out.warn(f"{source} was not consulted: {why}")
    for result in results:
        for rejected in result.rejected:
            out.warn(
                f"{result.query!r}: {rejected.source} candidate rejected: "
                f"{rejected.smiles!r}: {rejected.reason}"
            )
    rows = [(r.query, *row) for r in results for row in _rows(r)]
    if rows:
        _table(out, ("name", *COLUMNS), rows)
    _batch_summary(out, results, lines)
    _model_notice(out, results)


def _batch_summary(out: Output, results: list[SmilesResult], lines: Sequence[int | None]) -> None:
    for line, result in zip(lines, results, strict=False):
        if not result.candidates:
            where = "" if line is None else f"line {line}: "
            out.warn(f"{where}{_not_found(result)}")
    resolved = sum(bool(r.candidates) for r in results)
    out.info(f"{resolved} of {len(results)} name{'s' if len(results) != 1 else ''} resolved")


class ValidationPrinter:
    """Streams validation results: valid SMILES to stdout, invalid ones to stderr.

    Each result is written and flushed as soon as it is known, so that nothing validated is
    lost whatever happens to a later line (an RDKit crash killed runs before the size guard;
    Ctrl-C; a reader that stops). A write and flush cost a few microseconds against RDKit's
    tens of microseconds a SMILES: within the noise of bench/smiles.py.
    """

    BLOCK = 1

    def __init__(self, out: Output, source: str, *, with_file: bool = False) -> None:
        self.out = out
        self.source = source
        self.with_file = with_file  # several files: say which one each JSON line is from
        self.valid = self.invalid = 0
        self._lines: list[str] = []
        self._problems: list[str] = []
        # Thousands of diagnostics may stream by: colour only where someone reads them.
        self._styled = out.err.is_terminal

    def add(self, validation: Validation) -> None:
        check, record = validation.check, validation.record
        if check.valid:
            self.valid += 1
        else:
            self.invalid += 1
            self._problems.append(
                f"{self.source}:{record.line}: invalid SMILES {_shown(record.smiles)}: "
                f"{check.error}"
            )
        if self.out.json_mode:
            data = validation.to_dict()
            if self.with_file:
                data = {"file": self.source, **data}
            self._lines.append(json.dumps(data, ensure_ascii=False))
        elif check.valid:
            self._lines.append(
                f"{check.canonical}\t{record.name}" if record.name else check.canonical or ""
            )
        if len(self._lines) >= self.BLOCK or len(self._problems) >= self.BLOCK:
            self.flush()

    def flush(self) -> None:
        if self._lines:
            text = "\n".join(self._lines) + "\n"
            self._lines.clear()
            self._write(text)
        if self._problems:
            if self._styled:
                for problem in self._problems:
                    self.out.err.print(styled((problem, "yellow")))
            else:
                self.out.env.stderr.write("\n".join(self._problems) + "\n")
            self._problems.clear()
        self._write("")

    def _write(self, text: str) -> None:
        """Write and flush: what is validated reaches the reader now, not at exit. A reader
        that stops reading (`| head -1`) ends the run with the status of what was seen."""
        try:
            self.out.write_raw(text)
        except BrokenPipeError as exc:
            raise OutputClosed(ExitCode.FINDINGS if self.invalid else ExitCode.OK) from exc

    def finish(self) -> None:
        self.flush()
        total = self.valid + self.invalid
        self.out.info(f"{self.source}: {total} SMILES, {self.valid} valid, {self.invalid} invalid")


def _shown(smiles: str, limit: int = 60) -> str:
    """A SMILES quoted for a message, shortened when it is too long to read."""
    if len(smiles) <= limit:
        return repr(smiles)
    return repr(smiles[: limit - 1] + "…") + f" ({len(smiles):,} characters)"


def show_description(out: Output, result: Description) -> None:
    for rejected in result.rejected:
        out.warn(f"rejected draft sentence: “{rejected.sentence}” ({rejected.reason})")
    for warning in result.warnings:
        out.warn(warning)
    if out.json_mode:
        out.write_json(result.to_dict())
        return
    facts = {"name": result.name, **result.facts}
    width = max(len(k) for k in facts)
    for key, value in facts.items():
        if value is None:  # never "None": say that the fact is missing, and why when known
            value = f"none ({result.notes[key]})" if key in result.notes else "none"
        out.write(f"{key:<{width}}  {value}")
    out.write(f"\ndescription:\n{result.text}")
    if result.paraphrase:
        out.write(
            f"\nparaphrase (machine-generated by {result.model}, each sentence checked against "
            f"the facts above; check before use):\n{result.paraphrase}"
        )
    if result.provenance is not None:
        out.notice(result.provenance.terminal_notice())
