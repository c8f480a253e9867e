"""Free-form generated text (`galcli generate`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from galcli.render.core import Output

if TYPE_CHECKING:
    from galcli.tasks.generate import GenerateResult


def show_generation(out: Output, result: GenerateResult) -> None:
    if out.json_mode:
        out.write_json(result.to_dict())
        return
    out.write(result.text)
    out.notice(result.provenance.terminal_notice())
