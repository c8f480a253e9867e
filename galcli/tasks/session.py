"""What a model-backed task needs for one run: settings, the backend, generation parameters,
the user's bibliography and the run history.

The backend is loaded on first use, so a command can reject bad input (and a `--no-model` run can
finish) without paying for the model.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from galcli.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

    from galcli.bib.entries import BibEntry
    from galcli.model.base import Backend, GenerationParams
    from galcli.provenance.stamp import Provenance


def _ignore(message: str) -> None:
    return None


@dataclass(frozen=True)
class HistoryEntry:
    """What the history keeps of a result a model took part in (`galcli log`)."""

    prompt: str
    output: Any  # text, or a JSON-able document
    provenance: Provenance | None = None
    verdicts: dict[str, Any] | None = None


class Recordable(Protocol):
    def history_entry(self) -> HistoryEntry | None:
        """The run's record, or None when no model took part (nothing to record)."""
        ...


@dataclass
class ModelRun:
    """One command's run; `notify` shows progress lines, `warn` warnings (both on stderr)."""

    settings: Settings
    command: str
    max_new_tokens: int
    repetition_penalty: float = 1.0
    arguments: dict[str, Any] = field(default_factory=dict)
    notify: Callable[[str], None] = _ignore
    warn: Callable[[str], None] = _ignore
    recorded: list[int] = field(default_factory=list)
    _backend: Backend | None = None
    _started: float = field(default_factory=time.perf_counter)

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            from galcli.model.registry import load_backend

            self._backend = load_backend(self.settings, notify=self.notify)
        return self._backend

    @property
    def backend_loaded(self) -> bool:
        return self._backend is not None

    def params(self) -> GenerationParams:
        """Generation parameters from the settings. The watermark is requested here and applied
        (and stamped) only by backends that can: asking must not load the model."""
        from galcli.model.base import GenerationParams

        settings = self.settings
        return GenerationParams(
            max_new_tokens=settings.max_new_tokens or self.max_new_tokens,
            temperature=settings.temperature,
            seed=settings.seed,
            watermark=settings.watermark,
            repetition_penalty=self.repetition_penalty,
        )

    def bibliography(self, paths: list[Path] | None) -> list[BibEntry]:
        """The entries of the user's --bib files (first definition of each key); what
        bibtexparser complained about is passed to `warn`."""
        from galcli.bib.load import load
        from galcli.errors import InputError, UsageError

        if not paths:
            raise UsageError(
                "no bibliography given", hint="pass your .bib file with --bib refs.bib"
            )
        bibliography = load(paths)
        entries = list(bibliography.entries.values())
        for problem in bibliography.problems:
            self.warn(f"{problem.file}:{problem.line}: {problem.message}")
        if not entries:
            raise InputError("the bibliography has no entries", hint="check the --bib file(s)")
        return entries

    def record(self, result: Recordable) -> int | None:
        """Add `result` to the local history, if a model took part in it, unless --no-log /
        GALCLI_NO_LOG=1. A history that cannot be written costs a warning, never the result."""
        entry = result.history_entry()
        if entry is None or not self.settings.log:
            return None
        import json
        from enum import Enum

        from galcli.errors import GalcliError
        from galcli.provenance.history import History

        backend = self._backend
        output = entry.output
        text = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
        arguments = {k: (v.value if isinstance(v, Enum) else v) for k, v in self.arguments.items()}
        provenance = entry.provenance
        try:
            run_id = History().record(
                command=self.command,
                arguments=arguments,
                model=backend.model_id if backend else None,
                model_sha256=provenance.model_sha256 if provenance else None,
                prompt=entry.prompt,
                output=text,
                verdicts=entry.verdicts,
                timings={
                    "total_seconds": round(time.perf_counter() - self._started, 3),
                    "load_seconds": round(backend.load_seconds, 3) if backend else 0.0,
                },
                watermark=provenance.watermark if provenance else None,
            )
        except (GalcliError, OSError) as exc:
            self.warn(f"this run was not recorded in the history: {exc}")
            return None
        self.recorded.append(run_id)
        return run_id

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
