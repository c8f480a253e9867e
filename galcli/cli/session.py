"""What a model command needs for one run: settings, output streams, the backend, parameters.

The backend is loaded on first use, so a command can reject bad input before paying for the
model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from galcli.cli.options import CommonOptions
from galcli.render import Output
from galcli.settings import Settings, load_settings

if TYPE_CHECKING:
    from galcli.model.base import Backend, GenerationParams


class ModelSession:
    def __init__(self, opts: CommonOptions, *, command: str, max_new_tokens: int) -> None:
        self.opts = opts
        self.command = command
        self.settings: Settings = load_settings(opts.setting_flags())
        self.out = Output(json_mode=opts.json, quiet=opts.quiet, stream=self.settings.stream)
        self.default_max_new_tokens = max_new_tokens
        self._backend: Backend | None = None

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            from galcli.model.registry import load_backend

            self._backend = load_backend(self.settings, notify=self.out.info)
        return self._backend

    def params(self) -> GenerationParams:
        from galcli.model.base import GenerationParams

        settings = self.settings
        return GenerationParams(
            max_new_tokens=settings.max_new_tokens or self.default_max_new_tokens,
            temperature=settings.temperature,
            seed=settings.seed,
            watermark=settings.watermark and self.backend.watermark_supported,
        )

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
