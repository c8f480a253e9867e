"""`galcli models`: list, show and prepare local models; show where settings come from."""

from __future__ import annotations

from typing import Annotated

import typer

from galcli.cli.groups import group_with_default
from galcli.cli.options import CommonOptions, common_options
from galcli.errors import ExitCode

app = typer.Typer(
    cls=group_with_default("list"),
    help="""List, inspect and prepare local models (default: list).

\b
Examples:
  galcli models                     # what can run here; * marks the default
  galcli models show smollm2-135m-instruct
  galcli models show openai:galactica-30b --check   # contact the server now
  galcli models prepare             # convert the embedded model now, not on first use
  galcli models config              # every setting, its value and where it came from
""",
    no_args_is_help=False,
)


@app.command("list")
@common_options(model=False)
def list_(*, opts: CommonOptions) -> int:
    """List the models galcli can use without downloading; * marks the default."""
    from galcli.render.models import show_model_list
    from galcli.settings import load_settings
    from galcli.tasks.models import list_models

    show_model_list(opts.output(), list_models(load_settings()))
    return ExitCode.OK


@app.command("show")
@common_options(model=False)
def show(
    name: Annotated[
        str, typer.Argument(metavar="MODEL", help="A model name, directory or hub id.")
    ],
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Load the model (or contact its server) now and say whether it is ready; "
            "exit 4 when it is not. Without it, servers and scripts are 'configured (not "
            "checked)'.",
        ),
    ] = False,
    *,
    opts: CommonOptions,
) -> int:
    """Describe one model: backend, prompt profile, size, files, licence, cache.

    \b
    Examples:
      galcli models show smollm2-135m-instruct
      galcli models show ./galactica-125m --check --json
    """
    from galcli.render.models import show_model_info
    from galcli.tasks.models import show_model

    info = show_model(name, check=check)
    show_model_info(opts.output(), info)
    return ExitCode.MODEL_UNAVAILABLE if check and not info.ready else ExitCode.OK


@app.command("prepare")
@common_options(model=False)
def prepare(
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild the cache even if it is sound.")
    ] = False,
    *,
    opts: CommonOptions,
) -> int:
    """Convert the embedded GGUF model into its safetensors cache now.

    Useful in Dockerfiles and CI set-up, so that the first real command starts fast.
    """
    from galcli.render.models import show_model_info
    from galcli.tasks.models import prepare_embedded

    out = opts.output()
    show_model_info(out, prepare_embedded(out.info, force=force))
    return ExitCode.OK


@app.command("config")
@common_options(model=False)
def config(*, opts: CommonOptions) -> int:
    """Show every setting, its value and where it came from.

    Precedence: command-line flag > GALCLI_* environment variable > config file > default.
    The config file is TOML with top-level keys named like the settings, e.g.

    \b
      model = "/models/galactica-1.3b"
      device = "cuda"
      temperature = 0.0
    """
    from galcli.render.models import show_settings
    from galcli.settings import load_settings
    from galcli.tasks.models import config_file_path, settings_table

    show_settings(
        opts.output(),
        settings_table(load_settings()),
        config_file_path(),
    )
    return ExitCode.OK
