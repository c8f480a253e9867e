"""The server's settings, as a client sends them (`initializationOptions` or
`workspace/didChangeConfiguration`): the `galcli` section, e.g. `{"galcli": {"unused": true}}`
(docs/editors.md lists them)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from galcli.tasks.editor import EditorSettings

SECTION = "galcli"
# name -> (type, what it does); the names are the client's, in its usual camelCase
KNOWN: dict[str, tuple[type, str]] = {
    "unused": (bool, "report entries that are never cited (check --unused)"),
    "fit": (bool, "hint at a cited entry that does not fit its sentence (check --fit)"),
    "online": (bool, "show check --online verdicts from galcli's look-up cache"),
    "embeddings": (bool, "rank completions with sentence embeddings too (when installed)"),
    "debounce": (int, "milliseconds after the last edit before a project is checked again"),
}


@dataclass(frozen=True)
class ServerSettings:
    editor: EditorSettings = field(default_factory=EditorSettings)
    debounce: float = 0.3  # seconds

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self.editor), "debounce": round(self.debounce * 1000)}


def read_settings(raw: Any, current: ServerSettings) -> tuple[ServerSettings, list[str]]:
    """`current` changed by what the client sent (its `galcli` section, or the section
    itself), and a warning for each name or value it cannot use."""
    if isinstance(raw, Mapping) and isinstance(raw.get(SECTION), Mapping):
        raw = raw[SECTION]
    elif isinstance(raw, Mapping) and raw and not any(name in KNOWN for name in raw):
        return current, []  # other servers' sections ({"texlab": …}), none of galcli's
    if raw is None:
        return current, []
    if not isinstance(raw, Mapping):
        return current, [f"settings must be an object, not {type(raw).__name__}"]
    warnings = []
    editor: dict[str, Any] = {}
    debounce = current.debounce
    for name, value in raw.items():
        if name not in KNOWN:
            known = ", ".join(KNOWN)
            warnings.append(f"unknown setting galcli.{name} (known: {known})")
            continue
        kind = KNOWN[name][0]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            warnings.append(f"galcli.{name} must be a {kind.__name__}, not {value!r}")
        elif name == "debounce" and isinstance(value, int):
            if not 0 <= value <= 10_000:
                warnings.append(f"galcli.debounce must be 0 to 10000 ms, not {value}")
            else:
                debounce = value / 1000
        else:
            editor[name] = value
    return ServerSettings(dataclasses.replace(current.editor, **editor), debounce), warnings
