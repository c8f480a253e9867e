"""Work done in a forked child process while the parent goes on (on systems with fork()).

`galcli check` parses large .bib files this way on the second core. Only the result crosses
back, pickled through a pipe; an exception in the child is re-raised in the parent. Where there
is no fork(), or the child dies, the work is done in the parent when its result is asked for.
Use it only in processes without threads (no torch loaded): fork() copies just the caller's.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Any, Generic, NoReturn, TypeVar

T = TypeVar("T")


class Forked(Generic[T]):
    """`work()` started now in a child; `result()` waits for it. `then(value)` runs after the
    value is sent (in the child), for side work the parent need not wait for, like caching."""

    def __init__(self, work: Callable[[], T], *, then: Callable[[T], None] | None = None) -> None:
        self._work = work
        self._then = then
        self._pid = 0
        self._pipe: Any = None
        if hasattr(os, "fork"):
            reader, writer = os.pipe()
            self._pid = os.fork()
            if self._pid == 0:
                os.close(reader)
                self._child(writer)
            os.close(writer)
            self._pipe = os.fdopen(reader, "rb")

    def _child(self, writer: int) -> NoReturn:
        code = 1
        try:
            try:
                value = self._work()
                payload: tuple[bool, Any] = (True, value)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the parent
                payload = (False, exc)
            with os.fdopen(writer, "wb") as pipe:
                pickle.dump(payload, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            if payload[0] and self._then is not None:
                self._then(value)
            code = 0
        finally:
            os._exit(code)  # no atexit handlers, no second flush of the parent's buffered output

    def result(self) -> T:
        """The child's value, or its exception raised here."""
        if self._pipe is not None:
            with self._pipe:
                try:
                    ok, payload = pickle.load(self._pipe)
                except (EOFError, OSError, pickle.UnpicklingError):
                    ok = None  # the child died (or could not pickle its result): work here instead
            self._pipe = None
            if ok is True:
                return payload
            if ok is False:
                raise payload
        value = self._work()
        if self._then is not None:
            self._then(value)
        return value

    def close(self) -> None:
        """Wait for the child to finish (its `then` work included)."""
        if self._pid:
            os.waitpid(self._pid, 0)
            self._pid = 0
