"""`galcli detect`: is this text watermarked by galcli's generation?"""

from __future__ import annotations

from typing import Annotated

import typer

from galcli.cli.options import CommonOptions, common_options, positive_number
from galcli.errors import ExitCode, InputError
from galcli.fileio import read_text
from galcli.tasks.detect import DEFAULT_THRESHOLD


@common_options(model=False)
def detect(
    source: Annotated[
        str, typer.Argument(metavar="FILE|-", help="The text to check; - reads stdin.")
    ] = "-",
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="The model that would have generated it (its tokenizer is used) "
            "[default: the embedded model].",
            show_default=False,
        ),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold",
            help="z-score from which a text counts as watermarked.",
            callback=positive_number,
        ),
    ] = DEFAULT_THRESHOLD,
    allow_download: Annotated[
        bool, typer.Option("--allow-download", help="Allow fetching the tokenizer of a hub model.")
    ] = False,
    *,
    opts: CommonOptions,
) -> int:
    """Check whether a text carries galcli's watermark.

    galcli watermarks what local models generate (a public green-list key, on by default,
    recorded in provenance). The watermark survives copy and paste but not paraphrase; short
    texts cannot be judged. Prints the z-score, p-value and a verdict: watermarked, not
    watermarked, or too short to tell. Exit status: 0 watermarked, 1 not (or too short),
    3 unreadable input.

    \b
    Examples:
      galcli generate "Graphene is" --max-new-tokens 150 > draft.txt
      galcli detect draft.txt
      pbpaste | galcli detect - --json
    """
    from galcli.render.detect import show_detect
    from galcli.settings import load_settings
    from galcli.tasks.detect import WATERMARKED, WatermarkScorer

    text = read_text(source, what="text file")
    if not text.strip():
        raise InputError("the text is empty", hint="give the generated text to check")
    settings = load_settings({"model": model, "allow_download": True if allow_download else None})
    result = WatermarkScorer(settings, threshold=threshold).score(text)
    show_detect(opts.output(), result)
    return ExitCode.OK if result.verdict == WATERMARKED else ExitCode.FINDINGS
