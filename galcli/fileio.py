"""Reading the user's input and writing files without ever leaving half of one behind."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from galcli.errors import InputError, Location, UsageError


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Write to a temporary file beside `path`, then rename it over `path`.

    If the block raises (an error, Ctrl-C), the temporary file is removed and `path` is left as
    it was: no half-written output, ever.
    """
    import tempfile  # only writers need it; startup stays lean

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    binary = "b" in mode
    handle = tempfile.NamedTemporaryFile(
        mode=mode, encoding=None if binary else encoding, dir=target.parent,
        prefix=f".{target.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_writer(path, "wb") as handle:
        handle.write(data)


def _decode(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"not valid UTF-8 text (byte 0x{data[exc.start]:02x})",
                         location=Location(name, line, column),
                         hint="save the file as UTF-8, e.g. iconv -f latin1 -t utf-8") from exc
    return text.removeprefix("\ufeff")


@contextlib.contextmanager
def input_errors(path: str | Path, what: str = "file") -> Iterator[None]:
    """Turn the OSError of opening or reading a user's file into an InputError with a hint."""
    location = Location(str(path))
    try:
        yield
    except FileNotFoundError as exc:
        raise InputError(f"{what} not found", location=location,
                         hint="check the path (relative paths start from the current directory)") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{what} is a directory, not a file", location=location,
                         hint="give the path of a file inside it") from exc
    except PermissionError as exc:
        raise InputError(f"permission denied reading {what}", location=location,
                         hint="check the file's permissions") from exc
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", location=location,
                         hint="check that the path is a readable file") from exc


def read_text(path: str | Path, *, what: str = "file") -> str:
    """Read a UTF-8 text file, or standard input for "-", with errors a user can act on."""
    if str(path) == "-":
        return read_stdin()
    with input_errors(path, what):
        data = Path(path).read_bytes()
    return _decode(data, str(path))


def read_stdin() -> str:
    return _decode(sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else
                   sys.stdin.read().encode("utf-8"), "<stdin>")


def text_argument(value: str | None, *, name: str = "TEXT") -> str:
    """An argument that may be given inline, as "-" for stdin, or left out when stdin is piped."""
    if value is None or value == "-":
        if value is None and sys.stdin.isatty():
            raise UsageError(f"missing argument {name}",
                             hint=f"give {name} on the command line, or pipe it in (use - for stdin)")
        value = read_stdin()
    if not value.strip():
        raise InputError(f"{name} is empty", hint=f"give a non-empty {name}")
    return value
