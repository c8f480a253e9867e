"""Which backend serves a `--model` value, and loading it.

A model string is `scheme:name` for a registered scheme (`fake:script.json`,
`openai:galactica-30b`), the embedded default's name, or else a local directory or a Hugging Face
hub id served by the transformers backend. Built-in backends are named by import path so that
nothing heavy is imported until a model is actually loaded; third-party packages can add schemes
through the `galcli.backends` entry-point group (each entry point is a loader like those below).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from galcli.errors import ModelUnavailable
from galcli.model.base import Backend
from galcli.settings import EMBEDDED_MODEL, Settings

Notify = Callable[[str], None]
Loader = Callable[["ModelSpec", Settings, Notify], Backend]

EMBEDDED_ALIASES = {EMBEDDED_MODEL, "default", "embedded", "smollm2"}

_BUILTIN: dict[str, str] = {
    "embedded": "galcli.model.embedded:load",
    "hf": "galcli.model.hf:load",
    "fake": "galcli.model.fake:load",
    "openai": "galcli.model.openai:load",
}


@dataclass(frozen=True)
class ModelSpec:
    scheme: str  # registry key
    name: str  # what follows "scheme:"; a path or hub id for "hf"
    text: str  # the string the user gave


def schemes() -> list[str]:
    return sorted({*_BUILTIN, *_entry_points()})


def _entry_points() -> dict[str, object]:
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group="galcli.backends")}


def parse_model(text: str) -> ModelSpec:
    text = text.strip()
    if text.lower() in EMBEDDED_ALIASES:
        return ModelSpec("embedded", EMBEDDED_MODEL, text)
    scheme, sep, rest = text.partition(":")
    if sep and (scheme in _BUILTIN or scheme in _entry_points()):
        return ModelSpec(scheme, rest, text)
    return ModelSpec("hf", text, text)


def _loader(scheme: str) -> Loader:
    if scheme in _BUILTIN:
        module_name, _, attribute = _BUILTIN[scheme].partition(":")
        return getattr(importlib.import_module(module_name), attribute)
    entry = _entry_points().get(scheme)
    if entry is None:
        raise ModelUnavailable(
            f"no backend for {scheme!r}", hint=f"known backends: {', '.join(schemes())}"
        )
    return entry.load()  # type: ignore[attr-defined]


def load_backend(settings: Settings, notify: Notify = lambda message: None) -> Backend:
    """Load the model that `settings.model` names."""
    spec = parse_model(settings.model)
    return _loader(spec.scheme)(spec, settings, notify)
