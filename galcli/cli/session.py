"""The command-line side of a model run: settings from the options, the output streams, and a
`ModelRun` (tasks/session.py) that holds the backend, parameters, bibliography and history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from galcli.cli.options import CommonOptions
from galcli.settings import Settings, load_settings
from galcli.tasks.session import ModelRun, Recordable

if TYPE_CHECKING:
    from pathlib import Path

    from galcli.bib.entries import BibEntry
    from galcli.model.base import Backend, GenerationParams


class ModelSession:
    def __init__(
        self,
        opts: CommonOptions,
        *,
        command: str,
        max_new_tokens: int,
        repetition_penalty: float = 1.0,
    ) -> None:
        self.opts = opts
        self.settings: Settings = load_settings(opts.flags)
        self.out = opts.output(stream=self.settings.stream)
        self.run = ModelRun(
            self.settings,
            command=command,
            max_new_tokens=max_new_tokens,
            repetition_penalty=repetition_penalty,
            arguments=opts.arguments,
            notify=self.out.info,
            warn=self.out.warn,
        )

    @property
    def backend(self) -> Backend:
        return self.run.backend

    def params(self) -> GenerationParams:
        return self.run.params()

    def bibliography(self, paths: list[Path] | None) -> list[BibEntry]:
        return self.run.bibliography(paths)

    def record(self, result: Recordable) -> int | None:
        """Add `result` to the history if a model took part (`ModelRun.record`)."""
        return self.run.record(result)

    def __enter__(self) -> ModelSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.run.close()
        recorded = self.run.recorded
        if len(recorded) == 1:
            self.out.info(
                f"recorded as run {recorded[0]}; to report bad output: "
                f'galcli log flag {recorded[0]} --reason "…"'
            )
        elif recorded:
            self.out.info(f"recorded as runs {recorded[0]}–{recorded[-1]} (galcli log list)")
