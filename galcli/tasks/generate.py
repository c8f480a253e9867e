"""Free-form completion: the model continues the user's text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from galcli.errors import ExitCode
from galcli.model.base import Backend, Generation, GenerationParams, Message, Prompt
from galcli.provenance.stamp import Provenance, provenance_for
from galcli.tasks.session import HistoryEntry

SYSTEM = (
    "You are a scientific writing assistant. Continue the user's text in the same style. "
    "Reply with the continuation only."
)


@dataclass(frozen=True)
class GenerateRequest:
    text: str
    params: GenerationParams


@dataclass
class GenerateResult:
    model: str
    prompt: str
    text: str
    generation: Generation
    load_seconds: float
    provenance: Provenance
    import_seconds: float = 0.0
    exit_code = ExitCode.OK

    def history_entry(self) -> HistoryEntry:
        return HistoryEntry(self.prompt, self.text, self.provenance)

    def to_dict(self) -> dict[str, Any]:
        speed = self.generation.tokens_per_second
        return {
            "model": self.model,
            "prompt": self.prompt,
            "text": self.text,
            "generation": {
                "new_tokens": self.generation.new_tokens,
                "tokens_estimated": self.generation.tokens_estimated,
                "seconds": round(self.generation.seconds, 3),
                "tokens_per_second": None if speed is None else round(speed, 2),
                "load_seconds": round(self.load_seconds, 3),
                "import_seconds": round(self.import_seconds, 3),
                "finish_reason": self.generation.finish_reason,
            },
            "provenance": self.provenance.as_dict(),
        }


def build_prompt(text: str) -> Prompt:
    return Prompt(raw=text, messages=(Message("system", SYSTEM), Message("user", text)))


def run_generate(
    request: GenerateRequest, backend: Backend, on_text: Callable[[str], None] | None = None
) -> GenerateResult:
    prompt = build_prompt(request.text)
    generation = backend.generate(prompt, request.params, on_text)
    return GenerateResult(
        model=backend.model_id,
        prompt=request.text,
        text=generation.text,
        generation=generation,
        load_seconds=backend.load_seconds,
        import_seconds=backend.import_seconds,
        provenance=provenance_for(backend, prompt, request.params),
    )
