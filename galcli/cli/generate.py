"""`galcli generate`: free-form completion, streamed."""

from __future__ import annotations

from typing import Annotated

import typer

from galcli.cli.options import CommonOptions, common_options
from galcli.cli.session import ModelSession
from galcli.fileio import text_argument

DEFAULT_MAX_NEW_TOKENS = 128


@common_options(model=True)
def generate(
    text: Annotated[
        str | None,
        typer.Argument(
            metavar="[TEXT|-]",
            help="Text to continue; - (or nothing, with a pipe) reads stdin.",
            show_default=False,
        ),
    ] = None,
    *,
    opts: CommonOptions,
) -> int:
    """Continue TEXT with the model, streaming the draft to stderr.

    The completion is printed to stdout; nothing in it is verified, and a notice on stderr says
    so. It is watermarked (see `galcli detect`) unless --no-watermark is given.

    \b
    Examples:
      galcli generate "The Schrödinger equation describes"
      echo "Aspirin inhibits" | galcli generate --max-new-tokens 40
      galcli generate -m ./galactica-125m "The Transformer architecture [START_REF]"
      galcli generate --json "Graphene is" | jq -r .text
    """
    from galcli.render.generate import show_generation
    from galcli.tasks.generate import GenerateRequest, run_generate

    prompt = text_argument(text)
    with ModelSession(opts, command="generate", max_new_tokens=DEFAULT_MAX_NEW_TOKENS) as session:
        request = GenerateRequest(prompt, session.params())
        with session.out.draft(session.backend.model_id) as on_text:
            result = run_generate(request, session.backend, on_text=on_text)
        session.record(result)
        show_generation(session.out, result)
    return result.exit_code
