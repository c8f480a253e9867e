"""Reading the user's input and writing files without ever leaving half of one behind."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import IO

from galcli.errors import InputError, Location, UsageError


@contextlib.contextmanager
def atomic_writer(
    path: str | Path,
    mode: str = "w",
    encoding: str | None = "utf-8",
    *,
    user_file: bool = False,
    permissions: int | None = None,
) -> Iterator[IO]:
    """Write to a temporary file beside `path`, then rename it over `path`.

    If the block raises (an error, Ctrl-C), the temporary file is removed and `path` is left as
    it was: no half-written output, ever. A `user_file` (one the user named: -o, --draw) gets
    the permissions of any new file (the umask, not tempfile's 0600), its directory must already
    exist, and failing to write it is an InputError that names it; galcli's own files (caches)
    get their directories created. `permissions` (a user's file rewritten in place) replaces
    the umask's.
    """
    import tempfile  # only writers need it; startup stays lean

    target = Path(path)
    binary = "b" in mode
    try:
        if not user_file:
            target.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(
            mode=mode,
            encoding=None if binary else encoding,
            dir=target.parent,
            prefix=f".{target.name}.",
            suffix=".tmp",
            delete=False,
        )
    except OSError as exc:
        raise _write_error(target, exc) if user_file else exc from exc
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if permissions is not None:
            os.chmod(handle.name, permissions)
        elif user_file:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(handle.name, 0o666 & ~umask)
        os.replace(handle.name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        if user_file and isinstance(exc, OSError):
            raise _write_error(target, exc) from exc
        raise


def keep_recent(directory: Path, pattern: str, keep: int) -> None:
    """Delete all but the `keep` most recently modified files matching `pattern` (a cache's
    pruning: a cache hit touches its file). Raises OSError."""
    files = sorted(directory.glob(pattern), key=lambda f: f.stat().st_mtime, reverse=True)
    for stale in files[keep:]:
        stale.unlink(missing_ok=True)


class _Probe(Exception):
    """Raised inside a probe write so that nothing is written."""


def check_writable(path: str | Path, *, probe: bool = False) -> None:
    """Fail now (InputError, exit 3), before any slow work, if `path` cannot be a new or
    replaced file. With `probe`, a temporary file is created beside it and removed again:
    `/proc/x.bib` passes a look at its directory and fails only there."""
    target = Path(path)
    if target.is_dir() or not target.parent.is_dir():
        raise _write_error(target, OSError())
    if probe:
        try:
            with atomic_writer(target, user_file=True):
                raise _Probe
        except _Probe:
            pass


def _write_error(target: Path, exc: OSError) -> InputError:
    if target.is_dir():
        return InputError(f"cannot write {target}: it is a directory", hint="give a file name")
    if not target.parent.is_dir():
        return InputError(
            f"cannot write {target}: directory {target.parent} does not exist",
            hint=f"create it first (mkdir -p {target.parent}) or choose another path",
        )
    return InputError(
        f"cannot write {target}: {exc.strerror or exc}", hint="check the path and its permissions"
    )


def atomic_write_text(path: str | Path, text: str, *, user_file: bool = False) -> None:
    with atomic_writer(path, user_file=user_file) as handle:
        handle.write(text)


def atomic_write_bytes(
    path: str | Path, data: bytes, *, user_file: bool = False, permissions: int | None = None
) -> None:
    with atomic_writer(path, "wb", user_file=user_file, permissions=permissions) as handle:
        handle.write(data)


def decode_utf8(data: bytes, name: str, *, first_line: int = 1) -> str:
    """`data` (which starts on line `first_line` of `name`) as text, without a byte-order mark;
    InputError at the line and column of the first byte that is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + first_line
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"not valid UTF-8 text (byte 0x{data[exc.start]:02x})",
            location=Location(name, line, column),
            hint="save the file as UTF-8, e.g. iconv -f latin1 -t utf-8",
        ) from exc
    return text.removeprefix("\ufeff") if first_line == 1 else text  # a BOM starts a file


@contextlib.contextmanager
def input_errors(path: str | Path, what: str = "file") -> Iterator[None]:
    """Turn the OSError of opening or reading a user's file into an InputError with a hint."""
    location = Location(str(path))
    try:
        yield
    except FileNotFoundError as exc:
        raise InputError(
            f"{what} not found",
            location=location,
            hint="check the path (relative paths start from the current directory)",
        ) from exc
    except IsADirectoryError as exc:
        raise InputError(
            f"{what} is a directory, not a file",
            location=location,
            hint="give the path of a file inside it",
        ) from exc
    except PermissionError as exc:
        raise InputError(
            f"permission denied reading {what}",
            location=location,
            hint="check the file's permissions",
        ) from exc
    except OSError as exc:
        raise InputError(
            f"cannot read {what}: {exc.strerror or exc}",
            location=location,
            hint="check that the path is a readable file",
        ) from exc


def read_text(path: str | Path, *, what: str = "file") -> str:
    """Read a UTF-8 text file, or standard input for "-", with errors a user can act on."""
    if str(path) == "-":
        return read_stdin()
    with input_errors(path, what):
        data = Path(path).read_bytes()
    return decode_utf8(data, str(path))


def numbered_lines(path: str | Path, *, what: str = "file") -> list[tuple[int, str]]:
    """(line number, stripped text) of the non-blank lines of a file (or stdin for "-")."""
    lines = read_text(path, what=what).splitlines()
    return [(number, line.strip()) for number, line in enumerate(lines, 1) if line.strip()]


def listed_lines(path: str | Path, *, what: str = "file") -> list[tuple[int, str]]:
    """(line number, text) of the entries of a list file (or stdin for "-"): one per line,
    blank lines and `# comment` lines skipped, as `smiles validate` reads SMILES files."""
    return listed_lines_of(read_text(path, what=what))


def listed_lines_of(text: str) -> list[tuple[int, str]]:
    lines = enumerate(text.splitlines(), 1)
    stripped = ((number, " ".join(line.split())) for number, line in lines)
    return [(number, line) for number, line in stripped if line and not line.startswith("#")]


# The stdin a run reads "-" from: the one `galcli.cli.main` was handed (its Environment), else
# the process's own. A context variable, not a module global, so runs in threads keep theirs.
_STDIN: ContextVar[tuple[IO[bytes], bool] | None] = ContextVar("galcli_stdin", default=None)


@contextlib.contextmanager
def stdin_from(stream: IO[bytes], isatty: bool) -> Iterator[None]:
    """Read "-" (and piped arguments) from `stream` inside the block."""
    token = _STDIN.set((stream, isatty))
    try:
        yield
    finally:
        _STDIN.reset(token)


def stdin() -> tuple[IO[bytes], bool]:
    """(the byte stream "-" reads, whether it is a terminal)."""
    given = _STDIN.get()
    if given is not None:
        return given
    stream = getattr(sys.stdin, "buffer", None)
    return (stream if stream is not None else io.BytesIO(b"")), sys.stdin.isatty()


def read_stdin() -> str:
    return decode_utf8(stdin()[0].read(), "<stdin>")


def text_argument(value: str | None, *, name: str = "TEXT") -> str:
    """An argument that may be given inline, as "-" for stdin, or left out when stdin is piped."""
    if value is None or value == "-":
        if value is None and stdin()[1]:
            raise UsageError(
                f"missing argument {name}",
                hint=f"give {name} on the command line, or pipe it in (use - for stdin)",
            )
        value = read_stdin()
    if not value.strip():
        raise InputError(f"{name} is empty", hint=f"give a non-empty {name}")
    return value


def display_path(path: Path, base: Path | None = None) -> str:
    """`path` relative to `base` (default: the working directory) when it lies below it, as
    editors and `git apply` expect; as given otherwise."""
    base = Path.cwd() if base is None else base
    try:
        return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()
    except ValueError:
        return path.as_posix()
