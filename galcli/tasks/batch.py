"""Running one task over many inputs, several at a time, with results in input order.

Threads, because the work that benefits is waiting on an inference server; a local model
serialises its own generations. At most `concurrency * 2` inputs are in flight, so a huge
batch file does not queue everything at once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


def ordered_map(
    function: Callable[[In], Out], items: Iterable[In], concurrency: int = 1
) -> Iterator[Out]:
    if concurrency <= 1:
        yield from map(function, items)
        return
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="galcli-batch")
    pending: deque[Future[Out]] = deque()
    try:
        for item in items:
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
