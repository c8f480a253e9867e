"""Watermark detection results (`galcli detect`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from galcli.render.core import Output

if TYPE_CHECKING:
    from galcli.tasks.detect import DetectResult


def show_detect(out: Output, result: DetectResult) -> None:
    if out.json_mode:
        out.write_json(result.to_dict())
        return
    if result.z_score is None:
        out.write(
            f"{result.verdict} ({result.tokens} tokens; at least {result.min_tokens} are needed)"
        )
        return
    out.write(
        f"{result.verdict}: z = {result.z_score:.2f} (threshold {result.threshold:g}), "
        f"p = {result.p_value:.2g}, {result.tokens} tokens scored with the {result.model} tokenizer"
    )
