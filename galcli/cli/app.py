"""The `galcli` Typer application, and the one error handler that maps exceptions to exit codes.

Importing this module must stay cheap: `galcli --help` may not import torch, transformers or
rdkit (a test checks `sys.modules`). Command modules import their tasks inside the command body.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from galcli import __version__
from galcli.cli import check as check_cmd
from galcli.cli import cite as cite_cmd
from galcli.cli import detect as detect_cmd
from galcli.cli import explain_formula as formula_cmd
from galcli.cli import generate as generate_cmd
from galcli.cli import lit_review as review_cmd
from galcli.cli import log as log_cmd
from galcli.cli import lsp as lsp_cmd
from galcli.cli import models as models_cmd
from galcli.cli import smiles as smiles_cmd
from galcli.environment import Environment
from galcli.errors import ExitCode, OutputClosed

HELP = """A scientific writing assistant that checks before it prints.

galcli drafts citations, SMILES, formula explanations and related-work sections with a local
language model, then verifies them against your .bib files, RDKit and a LaTeX parser. Only
verified results reach stdout; drafts, progress and warnings go to stderr.

\b
Examples:
  galcli generate "The Schrödinger equation describes"
  galcli models
  galcli --version
"""

EPILOG = (
    "Exit codes: 0 ok, 1 findings / nothing verifiable, 2 usage (also galcli without a "
    "command, which prints this help), 3 bad input, 4 model unavailable, 70 internal error, "
    "130 interrupted."
)


class _RootGroup(TyperGroup):
    """The root command group: a closed stdout (EPIPE) leaves any command as OutputClosed.

    Click would otherwise catch the BrokenPipeError itself and exit with status 1.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            raise OutputClosed() from exc


app = typer.Typer(
    name="galcli",
    cls=_RootGroup,
    help=HELP,
    epilog=EPILOG,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: fast to start, and no rich import for --help
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"galcli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Top-level options."""


app.command("generate")(generate_cmd.generate)
app.command("cite")(cite_cmd.cite)
app.command("check")(check_cmd.check)
app.command("explain-formula")(formula_cmd.explain_formula)
app.command("lit-review")(review_cmd.lit_review)
app.add_typer(smiles_cmd.app, name="smiles")
app.add_typer(models_cmd.app, name="models")
app.command("detect")(detect_cmd.detect)
app.add_typer(log_cmd.app, name="log")
app.command("lsp")(lsp_cmd.lsp)


def _debug_requested(args: list[str]) -> bool:
    own = args[: args.index("--")] if "--" in args else args
    return "--debug" in own or os.environ.get("GALCLI_DEBUG", "") not in ("", "0")


def main(argv: list[str] | None = None, env: Environment | None = None) -> int:
    """Run galcli with `argv` (default: sys.argv[1:]) on the streams of `env` (default: the
    process's own) and return the exit code."""
    import contextlib

    from galcli.fileio import stdin_from

    env = env or Environment.default()
    args = sys.argv[1:] if argv is None else list(argv)
    with contextlib.ExitStack() as stack:
        stack.enter_context(stdin_from(env.stdin, env.stdin_isatty))
        if env.stdout is not sys.stdout:  # click writes --help and its own messages to sys
            stack.enter_context(contextlib.redirect_stdout(env.stdout))
            stack.enter_context(contextlib.redirect_stderr(env.stderr))
        return _run(args, env)


def _run(args: list[str], env: Environment) -> int:
    from galcli import render
    from galcli.cli.lazy import lazy_command

    # Typer may vendor click or depend on it; its public BadParameter leads to both base classes.
    ancestry: dict[str, Any] = {cls.__name__: cls for cls in typer.BadParameter.__mro__}
    ClickUsageError, ClickException = ancestry["UsageError"], ancestry["ClickException"]

    debug = _debug_requested(args)
    command = lazy_command(app)  # builds only the subcommand that runs
    try:
        result = command.main(args=args, prog_name="galcli", standalone_mode=False, obj=env)
    except ClickUsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            # A group run without a command: its help, on stdout, as `git` prints its usage.
            env.stdout.write(exc.ctx.get_help() + "\n")
            return _flushed(env, ExitCode.USAGE)
        path = exc.ctx.command_path if exc.ctx is not None else "galcli"
        return render.usage_error(exc.format_message(), f"see '{path} --help'", env=env)
    except ClickException as exc:
        return render.usage_error(exc.format_message(), None, env=env)
    except (typer.Abort, KeyboardInterrupt):
        result = ExitCode.INTERRUPTED
    except OutputClosed as exc:
        # The reader went away (`galcli … | head -1`): quietly, with the status of the work done.
        _silence_stdout(env)
        return exc.status
    except BrokenPipeError:
        _silence_stdout(env)
        return ExitCode.OK
    except Exception as exc:  # the one handler: GalcliError and bugs alike
        return render.error(exc, debug=debug, env=env)
    if result == ExitCode.INTERRUPTED:
        render.error(KeyboardInterrupt(), debug=False, env=env)
    return _flushed(env, int(result) if isinstance(result, int) else ExitCode.OK)


def _flushed(env: Environment, status: int) -> int:
    """`status`, once what is buffered for stdout is written; a reader that has gone away by
    then (EPIPE on the last flush) changes nothing."""
    try:
        env.stdout.flush()
    except BrokenPipeError:
        _silence_stdout(env)
    except (OSError, ValueError):
        pass
    return status


def _silence_stdout(env: Environment) -> None:
    """Point stdout at /dev/null, as Python's documentation recommends after EPIPE, so that the
    flush at interpreter exit does not fail again ("Exception ignored … BrokenPipeError")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, env.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
