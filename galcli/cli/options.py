"""Options every command shares, declared once.

`@common_options(model=True)` adds the output options (`--json`, `--quiet`, `--debug`) and, for
commands that run a model, the model options, to a command's signature; the command receives them
as one `CommonOptions` value named `opts`. They are accepted after the subcommand
(`galcli cite -m DIR …`), which is where people type them.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from galcli.environment import Environment

if TYPE_CHECKING:
    from galcli.render import Output
from galcli.specs import SPECS, SettingSpec


def latex_command(value: str) -> str:
    """Typer callback for --cite-command: a LaTeX command name, with or without its backslash."""
    name = value.removeprefix("\\")
    if not re.fullmatch(r"[A-Za-z]+\*?", name):
        raise typer.BadParameter(
            f"{value!r} is not a LaTeX command name (e.g. citep, cite, autocite)"
        )
    return name


def positive_number(value: float) -> float:
    if not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"{value} is not a positive number")
    return value


@dataclass(frozen=True)
class CommonOptions:
    json: bool = False
    quiet: bool = False
    debug: bool = False
    # Settings given on the command line (setting name -> raw value), for `load_settings`.
    flags: dict[str, Any] = field(default_factory=dict)
    # The command's own arguments, as parsed (recorded in the run history).
    arguments: dict[str, Any] = field(default_factory=dict, compare=False)
    env: Environment = field(default_factory=Environment.default, compare=False)

    def output(self, *, stream: bool = True) -> Output:
        """stdout and stderr of this run, as the output options ask."""
        from galcli.render import Output

        return Output(self.env, json_mode=self.json, quiet=self.quiet, stream=stream)

    @property
    def model(self) -> str | None:
        """The --model given on the command line (not one from the environment or config)."""
        return self.flags.get("model")


def _option(
    name: str, kind: Any, default: Any, *decls: str, help: str, **extra: Any
) -> inspect.Parameter:
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=default,
        annotation=Annotated[kind, typer.Option(*decls, help=help, **extra)],
    )


OUTPUT_OPTIONS = (
    _option("json", bool, False, "--json", help="Write one JSON document to stdout."),
    _option("quiet", bool, False, "--quiet", "-q", help="No progress, draft or notice on stderr."),
    _option("debug", bool, False, "--debug", help="Show tracebacks and library warnings."),
)


def _setting_option(spec: SettingSpec) -> inspect.Parameter:
    """The option of a setting: a switch, or a value that the setting's own parser reads (so
    its range is checked in one place, for flags, environment and config file alike)."""
    assert spec.option is not None
    if spec.option.switch is not None:
        return _option(spec.name, bool, False, *spec.option.flags, help=spec.option.help)
    return _option(
        spec.name,
        str | None,
        None,
        *spec.option.flags,
        help=spec.option.help,
        metavar=spec.option.metavar,
        show_default=False,
    )


MODEL_OPTIONS = tuple(_setting_option(spec) for spec in SPECS if spec.option is not None)
_SWITCHES = {spec.name: spec.option.switch for spec in SPECS if spec.option is not None}
# Typer passes the context to a parameter of this type: the Environment main() was handed.
_CONTEXT = inspect.Parameter(
    "galcli_context", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context
)


JSON_LINES_HELP = "Write JSON Lines to stdout: one JSON object per input."
JSON_OR_LINES_HELP = (
    "Write one JSON document to stdout; JSON Lines (one object per input) for several inputs."
)


def common_options(
    *, model: bool, json_help: str | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add the shared options; `json_help` replaces --json's help where a command writes JSON
    Lines (JSON_LINES_HELP, JSON_OR_LINES_HELP)."""
    output = OUTPUT_OPTIONS
    if json_help is not None:
        output = (_option("json", bool, False, "--json", help=json_help), *OUTPUT_OPTIONS[1:])
    extra = output + (MODEL_OPTIONS if model else ())
    added = {p.name for p in extra}
    settings = {p.name for p in MODEL_OPTIONS} if model else set()

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func)
        hints = typing_hints(func)
        # Resolved annotations: Typer reads __signature__ as is, without evaluating strings.
        own = [
            p.replace(annotation=hints.get(p.name, p.annotation))
            for p in signature.parameters.values()
            if p.name != "opts"
        ]

        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> Any:
            context = kwargs.pop(_CONTEXT.name)
            env = context.find_root().obj
            common = {name: kwargs.pop(name) for name in list(kwargs) if name in added}
            flags = {}
            for name in settings:
                value = common.pop(name)
                switch = _SWITCHES[name]
                if switch is not None:
                    value = switch if value else None
                if value is not None:
                    flags[name] = value
            arguments = {k: (str(v) if isinstance(v, Path) else v) for k, v in kwargs.items()}
            options = CommonOptions(
                **common,
                flags=flags,
                arguments=arguments,
                env=env if isinstance(env, Environment) else Environment.default(),
            )
            return func(**kwargs, opts=options)

        parameters = [*own, *extra, _CONTEXT]
        wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
        del wrapper.__wrapped__  # Typer must read the new signature, not the original one
        return wrapper

    return decorate


def typing_hints(func: Callable[..., Any]) -> dict[str, Any]:
    import typing

    return typing.get_type_hints(func, include_extras=True)


Concurrency = Annotated[
    int,
    typer.Option(
        "--concurrency",
        "-j",
        min=1,
        max=64,
        help="Batch requests in flight at once (useful with --model openai:…).",
    ),
]

Paraphrase = Annotated[
    bool,
    typer.Option(
        "--paraphrase",
        help="Also let the model (-m, or the embedded one) rewrite the built text; only "
        "sentences that pass the faithfulness check are kept, the rest go to stderr.",
    ),
]
NoModel = Annotated[
    bool,
    typer.Option("--no-model", help="Load no model, even with -m (the default without it)."),
]


def wants_model(paraphrase: bool, no_model: bool, opts: CommonOptions) -> bool:
    """Whether a command that builds its prose should also let a model rewrite it."""
    return (paraphrase or opts.model is not None) and not no_model
