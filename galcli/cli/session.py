"""What a model command needs for one run: settings, output streams, the backend, parameters.

The backend is loaded on first use, so a command can reject bad input before paying for the
model.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from galcli.cli.options import CommonOptions
from galcli.render import Output
from galcli.settings import Settings, load_settings

if TYPE_CHECKING:
    from pathlib import Path

    from galcli.bib.entries import BibEntry
    from galcli.model.base import Backend, GenerationParams
    from galcli.provenance.stamp import Provenance


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
        self.command = command
        self.settings: Settings = load_settings(opts.setting_flags())
        self.out = Output(json_mode=opts.json, quiet=opts.quiet, stream=self.settings.stream)
        self.default_max_new_tokens = max_new_tokens
        self.repetition_penalty = repetition_penalty
        self._backend: Backend | None = None
        self._started = time.perf_counter()
        self._recorded: list[int] = []

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            from galcli.model.registry import load_backend

            self._backend = load_backend(self.settings, notify=self.out.info)
        return self._backend

    def params(self) -> GenerationParams:
        """Generation parameters from the settings. They never load the backend: a run with no
        model (--no-model) must not pay for one. `watermark` is what the user asked for, limited
        by the backend only once it is loaded (the provenance stamp asks the backend too)."""
        from galcli.model.base import GenerationParams

        settings = self.settings
        supported = self._backend is None or self._backend.watermark_supported
        return GenerationParams(
            max_new_tokens=settings.max_new_tokens or self.default_max_new_tokens,
            temperature=settings.temperature,
            seed=settings.seed,
            watermark=settings.watermark and supported,
            repetition_penalty=self.repetition_penalty,
        )

    def bibliography(self, paths: list[Path] | None) -> list[BibEntry]:
        """The entries of the user's --bib files (first definition of each key), with what
        bibtexparser complained about shown as warnings."""
        from galcli.bib.entries import load_bibliography
        from galcli.errors import InputError, UsageError

        if not paths:
            raise UsageError(
                "no bibliography given", hint="pass your .bib file with --bib refs.bib"
            )
        entries, problems = load_bibliography(list(paths))
        for problem in problems:
            self.out.warn(f"{problem.file}:{problem.line}: {problem.message}")
        if not entries:
            raise InputError("the bibliography has no entries", hint="check the --bib file(s)")
        return entries

    def record(
        self,
        *,
        prompt: str,
        output: Any,
        provenance: Provenance | None = None,
        verdicts: dict[str, Any] | None = None,
    ) -> int | None:
        """Add this run to the local history, unless --no-log / GALCLI_NO_LOG=1.

        A history that cannot be written costs a warning, never the result.
        """
        if not self.settings.log:
            return None
        import json
        from enum import Enum

        from galcli.errors import GalcliError
        from galcli.provenance.history import History

        backend = self._backend
        text = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
        arguments = {
            k: (v.value if isinstance(v, Enum) else v) for k, v in self.opts.arguments.items()
        }
        try:
            run_id = History().record(
                command=self.command,
                arguments=arguments,
                model=backend.model_id if backend else None,
                model_sha256=provenance.model_sha256 if provenance else None,
                prompt=prompt,
                output=text,
                verdicts=verdicts,
                timings={
                    "total_seconds": round(time.perf_counter() - self._started, 3),
                    "load_seconds": round(backend.load_seconds, 3) if backend else 0.0,
                },
                watermark=provenance.watermark if provenance else None,
            )
        except (GalcliError, OSError) as exc:
            self.out.warn(f"this run was not recorded in the history: {exc}")
            return None
        self._recorded.append(run_id)
        return run_id

    def record_result(self, result: Any, verdicts: dict[str, Any]) -> None:
        """Record a task result (cite, smiles) if a model took part: retrieval or name sources
        alone are not model runs."""
        if result.model is not None:
            self.record(
                prompt=result.query,
                output=result.to_dict(),
                provenance=result.provenance,
                verdicts={**verdicts, "rejected": len(result.rejected)},
            )

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
        if len(self._recorded) == 1:
            run = self._recorded[0]
            self.out.info(
                f'recorded as run {run}; to report bad output: galcli log flag {run} --reason "…"'
            )
        elif self._recorded:
            self.out.info(
                f"recorded as runs {self._recorded[0]}–{self._recorded[-1]} (galcli log list)"
            )
