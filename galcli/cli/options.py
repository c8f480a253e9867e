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
from typing import Annotated, Any

import typer


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
    model: str | None = None
    device: str | None = None
    max_new_tokens: int | None = None
    temperature: float | None = None
    seed: int | None = None
    no_stream: bool = False
    allow_download: bool = False
    no_watermark: bool = False
    no_log: bool = False
    base_url: str | None = None
    # The command's own arguments, as parsed (recorded in the run history).
    arguments: dict[str, Any] = field(default_factory=dict, compare=False)

    def setting_flags(self) -> dict[str, Any]:
        """Command-line values for `load_settings`; None where the flag was not given."""
        return {
            "model": self.model,
            "device": self.device,
            "max_new_tokens": self.max_new_tokens,
            "temperature": self.temperature,
            "seed": self.seed,
            "stream": False if self.no_stream else None,
            "allow_download": True if self.allow_download else None,
            "watermark": False if self.no_watermark else None,
            "log": False if self.no_log else None,
            "base_url": self.base_url,
        }


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

MODEL_OPTIONS = (
    _option(
        "model",
        str | None,
        None,
        "--model",
        "-m",
        metavar="MODEL",
        help="Model: a directory, a hub id, fake:SCRIPT.json or openai:NAME "
        "[default: the embedded smollm2-135m-instruct; env GALCLI_MODEL].",
    ),
    _option(
        "device",
        str | None,
        None,
        "--device",
        metavar="auto|cpu|cuda",
        help="Where to run the model [default: auto].",
    ),
    _option(
        "max_new_tokens",
        int | None,
        None,
        "--max-new-tokens",
        metavar="N",
        min=1,
        help="Most tokens to generate [default: depends on the command].",
    ),
    _option(
        "temperature",
        float | None,
        None,
        "--temperature",
        metavar="T",
        min=0.0,
        max=5.0,
        help="Sampling temperature; 0 is greedy [default: 0].",
    ),
    _option("seed", int | None, None, "--seed", metavar="N", help="Random seed [default: 0]."),
    _option("no_stream", bool, False, "--no-stream", help="Don't show the draft while generating."),
    _option(
        "allow_download",
        bool,
        False,
        "--allow-download",
        help="Allow downloading the model from the Hugging Face hub.",
    ),
    _option(
        "no_watermark",
        bool,
        False,
        "--no-watermark",
        help="Don't watermark generated text (recorded in provenance).",
    ),
    _option("no_log", bool, False, "--no-log", help="Don't record this run in the history."),
    _option(
        "base_url",
        str | None,
        None,
        "--base-url",
        metavar="URL",
        help="OpenAI-compatible server for --model openai:NAME [env GALCLI_BASE_URL].",
    ),
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
            common = {name: kwargs.pop(name) for name in list(kwargs) if name in added}
            arguments = {k: (str(v) if isinstance(v, Path) else v) for k, v in kwargs.items()}
            return func(**kwargs, opts=CommonOptions(**common, arguments=arguments))

        wrapper.__signature__ = signature.replace(parameters=[*own, *extra])  # type: ignore[attr-defined]
        wrapper.__annotations__ = {
            **{p.name: p.annotation for p in own},
            **{p.name: p.annotation for p in extra},
        }
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
