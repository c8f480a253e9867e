"""The only place that writes to the terminal (docs/architecture.md).

stdout carries the final, verified result and nothing else; drafts, progress, notices, warnings
and errors go to stderr. Colour and live displays appear only when the stream is a terminal, and
rich honours NO_COLOR.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from galcli.environment import Environment
from galcli.errors import ISSUES_URL, ExitCode, GalcliError

TextSink = Callable[[str], None]


def _console(stream: Any, terminal: bool) -> Any:
    import os

    from rich.console import Console

    # soft_wrap: never insert line breaks into results that scripts will parse.
    # NO_COLOR (https://no-color.org): rich would still emit bold and dim; galcli emits nothing.
    # A terminal the Environment vouches for is one; otherwise rich decides (FORCE_COLOR, isatty).
    return Console(
        file=stream,
        force_terminal=True if terminal else None,
        force_interactive=True if terminal else None,
        highlight=False,
        soft_wrap=True,
        color_system=None if os.environ.get("NO_COLOR") else "auto",
    )


def styled(*parts: str | tuple[str, str]) -> Any:
    """Rich text from plain strings and (string, style) pairs.

    User text never goes through rich markup: a LaTeX `\\[` or a `[key]` must print as is.
    """
    from rich.text import Text

    return Text.assemble(*parts)


class Output:
    """One command's view of stdout and stderr."""

    def __init__(
        self,
        env: Environment | None = None,
        *,
        json_mode: bool = False,
        quiet: bool = False,
        stream: bool = True,
    ) -> None:
        self.env = env or Environment.default()
        self.json_mode = json_mode
        self.quiet = quiet
        self.stream = stream
        self._err: Any = None
        self._out: Any = None
        self._progress_active = False  # rich draws one live display at a time

    @property
    def err(self) -> Any:
        if self._err is None:
            self._err = _console(self.env.stderr, self.env.stderr_isatty)
        return self._err

    @property
    def out(self) -> Any:
        if self._out is None:
            self._out = _console(self.env.stdout, self.env.stdout_isatty)
        return self._out

    # -- stderr ---------------------------------------------------------------------------

    def info(self, message: str) -> None:
        """Progress and status notes; hidden by --quiet."""
        if not self.quiet:
            self.err.print(styled(("galcli:", "dim"), " ", message))

    def warn(self, message: str) -> None:
        """Something the user should know even with --quiet (a removed citation, say)."""
        self.err.print(styled(("warning:", "yellow"), " ", message))

    def notice(self, message: str) -> None:
        """The one-line provenance notice under a generated result; hidden by --quiet."""
        if not self.quiet:
            self.err.print(styled((message, "dim italic")))

    @contextlib.contextmanager
    def draft(self, label: str) -> Iterator[TextSink]:
        """Stream model text to stderr while it is generated, then clear it.

        The draft is unverified, so it is shown dimmed in a box and removed once the verified
        result is ready; nothing is drawn when stderr is not a terminal, with --no-stream, or
        with --quiet.
        """
        if not (self.stream and not self.quiet and self.err.is_terminal) or self._progress_active:
            yield lambda text: None
            return
        from rich.live import Live
        from rich.panel import Panel
        from rich.text import Text

        parts: list[str] = []

        def view() -> Any:
            height = max(3, self.err.size.height - 4)
            lines = "".join(parts).splitlines()[-height:]
            return Panel(
                Text("\n".join(lines), style="dim"),
                border_style="dim",
                title=Text(f"draft · {label} · unverified"),
                title_align="left",
            )

        with Live(
            view(),
            console=self.err,
            transient=True,
            refresh_per_second=12,
            vertical_overflow="crop",
        ) as live:

            def on_text(text: str) -> None:
                parts.append(text)
                live.update(view())

            yield on_text

    @contextlib.contextmanager
    def progress(self, description: str, total: int | None) -> Iterator[Callable[..., None]]:
        """A progress bar on stderr (terminal only, not with --quiet); yields `advance(n=1,
        description=None)`."""
        if self.quiet or not self.err.is_terminal:
            yield lambda n=1, description=None: None
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        columns = [
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        ]
        with Progress(*columns, console=self.err, transient=True) as bar:
            task = bar.add_task(description, total=total)

            def advance(n: int = 1, description: str | None = None) -> None:
                if description:
                    bar.update(task, advance=n, description=description)
                else:
                    bar.update(task, advance=n)

            self._progress_active = True
            try:
                yield advance
            finally:
                self._progress_active = False

    def stdout_is_terminal(self) -> bool:
        """Like `out.is_terminal`, without importing rich for output that is plain anyway."""
        return self.env.stdout_isatty

    # -- stdout ---------------------------------------------------------------------------

    def write(self, text: str) -> None:
        """Plain result text on stdout, exactly as given (plus a final newline)."""
        self.env.stdout.write(text if text.endswith("\n") else text + "\n")
        self.env.stdout.flush()

    def write_json(self, document: Any) -> None:
        import json

        self.write(json.dumps(document, ensure_ascii=False, indent=2))

    def write_json_line(self, document: Any) -> None:
        import json

        self.write(json.dumps(document, ensure_ascii=False))

    def write_raw(self, text: str) -> None:
        """`text` on stdout as it is (no newline added), flushed: a stream of results."""
        if text:
            self.env.stdout.write(text)
        self.env.stdout.flush()


def error(
    exc: BaseException, *, debug: bool = False, prog: str = "galcli", env: Environment | None = None
) -> ExitCode:
    """Report any exception as one error line plus a hint; return its exit code."""
    env = env or Environment.default()
    console = _console(env.stderr, env.stderr_isatty)
    if debug:
        import traceback

        console.print(styled(("".join(traceback.format_exception(exc)), "dim")))
    if isinstance(exc, GalcliError):
        console.print(styled((f"{prog}: error:", "bold red"), " ", str(exc)))
        if exc.detail:
            console.print(styled(exc.detail))
        if exc.hint:
            console.print(styled(("hint:", "cyan"), " ", exc.hint))
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        console.print(f"{prog}: interrupted (files being written are left as they were)")
        return ExitCode.INTERRUPTED
    summary = f"{type(exc).__name__}: {exc}".splitlines()[0]
    console.print(styled((f"{prog}: internal error:", "bold red"), " ", summary))
    if not debug:
        console.print(
            styled(
                ("hint:", "cyan"),
                " this is a bug in galcli; rerun with --debug for the "
                f"traceback and report it at {ISSUES_URL}",
            )
        )
    return ExitCode.INTERNAL


def usage_error(
    message: str, hint: str | None, *, prog: str = "galcli", env: Environment | None = None
) -> ExitCode:
    env = env or Environment.default()
    console = _console(env.stderr, env.stderr_isatty)
    console.print(styled((f"{prog}: error:", "bold red"), " ", message))
    if hint:
        console.print(styled(("hint:", "cyan"), " ", hint))
    return ExitCode.USAGE


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """`1 entry`, `2 entries`, `0 errors`: a count with its noun in the right number."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
