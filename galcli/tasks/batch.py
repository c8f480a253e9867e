"""Running one task over many inputs, several at a time, with results in input order; and
reading a batch file of inputs.

Threads, because the work that benefits is waiting on an inference server; a local model
serialises its own generations. At most `concurrency * 2` inputs are in flight, so a huge
batch file does not queue everything at once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from galcli.errors import ExitCode, InputError, Location
from galcli.fileio import numbered_lines

In = TypeVar("In")
Out = TypeVar("Out")


class Outcome(Protocol):
    @property
    def exit_code(self) -> ExitCode: ...


Result = TypeVar("Result", bound=Outcome)


@dataclass
class BatchResult(Generic[Result]):
    """The results of a batch, in input order; it succeeds when any input found something."""

    results: list[Result] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # inputs skipped (file:line: why)

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    @property
    def exit_code(self) -> ExitCode:
        ok = any(r.exit_code == ExitCode.OK for r in self.results)
        return ExitCode.OK if ok else ExitCode.FINDINGS


def run_batch(
    function: Callable[[In], Result],
    items: Sequence[In],
    *,
    concurrency: int = 1,
    record: Callable[[Result], object] | None = None,
    on_result: Callable[[In, Result], None] | None = None,
) -> BatchResult[Result]:
    """`function` over `items` (`concurrency` at once), each result recorded (the run history)
    and handed to `on_result` (to print it) as soon as it and those before it are done."""
    batch: BatchResult[Result] = BatchResult()
    for item, result in zip(items, ordered_map(function, items, concurrency), strict=False):
        if record is not None:
            record(result)
        if on_result is not None:
            on_result(item, result)
        batch.results.append(result)
    return batch


@dataclass(frozen=True)
class BatchLine:
    line: int  # 1-based line of the batch file
    text: str
    id: Any = None  # a JSON line's "id", echoed in the output


def read_batch(path: Path) -> tuple[list[BatchLine], list[str]]:
    """The inputs of a batch file: one per line, or JSON lines with a "text" field (and an
    optional "id"); blank lines are skipped. A JSON line without a text is reported (file:line)
    and skipped: one bad line does not cost the batch."""
    import json

    lines: list[BatchLine] = []
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
        lines.append(BatchLine(number, line, identifier))
    if not lines:
        raise InputError(
            "batch file has no sentences" + (f" ({problems[0]})" if problems else ""),
            location=Location(str(path)),
            hint='write one sentence per line, or JSON lines {"text": "the sentence"}',
        )
    return lines, problems


def ordered_map(
    function: Callable[[In], Out], items: Iterable[In], concurrency: int = 1
) -> Iterator[Out]:
    """`function` over `items`, `concurrency` at once, results in input order. The first item
    runs alone: what the function imports on first use (RDKit, numpy, a model's runtime) is
    imported on one thread, as two threads importing an extension module at once can each find
    the other's half-initialised module (an ImportError; galcli/lsp/worker.py)."""
    if concurrency <= 1:
        yield from map(function, items)
        return
    remaining = iter(items)
    for first in remaining:
        yield function(first)
        break
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="galcli-batch")
    pending: deque[Future[Out]] = deque()
    try:
        for item in remaining:
            pending.append(pool.submit(function, item))
            if len(pending) >= concurrency * 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        # On an error or Ctrl-C, don't start what is still queued.
        pool.shutdown(wait=True, cancel_futures=True)


def map_in_threads(function: Callable[[In], Out], items: Iterable[In], workers: int) -> list[Out]:
    """`function` over `items` on `workers` threads, results in input order (network look-ups).

    On an error or Ctrl-C nothing queued starts and nothing waits for the calls in flight:
    they end at their own timeout."""
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="galcli-lookup")
    try:
        results = list(pool.map(function, items))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results
